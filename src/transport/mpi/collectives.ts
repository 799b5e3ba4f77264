// MPI's own non-blocking collectives (MPI-3: MPI_Ibcast, MPI_Iallreduce, ...) on the
// communicator of a context, with element datatypes for typed arrays, so a C or mpi4py
// rank of the same job can take part in the same call.
import { NODE_BUFFER, TYPED_BASE } from '../../codec/kinds.ts';
import { Op } from '../op.ts';
import type { NativeCollectives, ReduceMode } from '../native.ts';
import type { StatusFields } from './abi.ts';
import type { Mpi } from './bindings.ts';
import type { Channel } from './channels.ts';
import type { RequestOwner, RequestTable } from './requests.ts';

type Dt = keyof Mpi['abi']['types'];

// Typed kinds in codec order: Int8, Uint8, Uint8Clamped, Int16, Uint16, Int32, Uint32, Float32, Float64, BigInt64, BigUint64.
const TYPED_DT: readonly Dt[] = ['int8', 'uint8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float', 'double', 'int64', 'uint64'];
const TYPED_BYTES = [1, 1, 1, 2, 2, 4, 4, 4, 8, 8, 8];
const CLAMPED = TYPED_BASE + 2;
const FLOATS = new Set([TYPED_BASE + 7, TYPED_BASE + 8]);
// Op codes of ops.ts (SUM = 1 ... BXOR = 10) to the ABI's op names.
const OPS: readonly (keyof Mpi['abi']['ops'])[] = ['sum', 'prod', 'min', 'max', 'land', 'lor', 'lxor', 'band', 'bor', 'bxor'];

/** A collective in flight: keeps its buffers alive until MPI is done with them. */
class Pending implements RequestOwner {
  slot = -1;
  constructor(readonly m: Mpi, readonly op: Op<void>, readonly call: string, readonly keep: unknown[]) {}
  complete(st: StatusFields): void {
    if (st.error !== 0) this.op.reject(this.m.error(st.error, this.call));
    else this.op.resolve(undefined);
  }
}

export class MpiCollectives implements NativeCollectives {
  constructor(
    private readonly m: Mpi,
    private readonly table: RequestTable,
    private readonly channel: (context: number) => Channel,
    private readonly kick: () => void,
  ) {}

  reducible(kind: number, op: number): boolean {
    if (kind < TYPED_BASE && kind !== NODE_BUFFER) return false;
    if (kind === CLAMPED || op < 1 || op > 10) return false;
    // MPI defines logical and bitwise ops on integer types only.
    return op <= 4 || !FLOATS.has(kind);
  }

  barrier(context: number): Op<void> {
    return this.start('MPI_Ibarrier', [], (req) => this.m.fn.Ibarrier(this.comm(context), req));
  }

  bcast(context: number, data: Uint8Array, root: number): Op<void> {
    return this.start('MPI_Ibcast', [data], (req) => this.m.fn.Ibcast(data, data.byteLength, this.m.abi.types.byte, root, this.comm(context), req));
  }

  reduce(context: number, mode: ReduceMode, kind: number, send: Uint8Array, recv: Uint8Array | undefined, count: number, op: number, root: number): Op<void> {
    const f = this.m.fn;
    const dt = this.dt(kind);
    const mop = this.m.abi.ops[OPS[op - 1]!];
    const comm = this.comm(context);
    const sbuf = recv && send.buffer === recv.buffer && send.byteOffset === recv.byteOffset ? this.m.abi.inPlace : send;
    switch (mode) {
      case 'reduce': return this.start('MPI_Ireduce', [send, recv], (req) => f.Ireduce(sbuf, recv ?? null, count, dt, mop, root, comm, req));
      case 'all': return this.start('MPI_Iallreduce', [send, recv], (req) => f.Iallreduce(sbuf, recv!, count, dt, mop, comm, req));
      case 'scan': return this.start('MPI_Iscan', [send, recv], (req) => f.Iscan(sbuf, recv!, count, dt, mop, comm, req));
      case 'exscan': return this.start('MPI_Iexscan', [send, recv], (req) => f.Iexscan(sbuf, recv!, count, dt, mop, comm, req));
    }
  }

  reduceScatter(context: number, kind: number, send: Uint8Array, recv: Uint8Array, counts: readonly number[], op: number): Op<void> {
    const c = Int32Array.from(counts);
    const mop = this.m.abi.ops[OPS[op - 1]!];
    return this.start('MPI_Ireduce_scatter', [send, recv, c], (req) => this.m.fn.Ireduce_scatter(send, recv, c, this.dt(kind), mop, this.comm(context), req));
  }

  gatherv(context: number, kind: number, send: Uint8Array, recv: Uint8Array | undefined, counts: readonly number[], root: number): Op<void> {
    const [c, d] = layout(counts);
    const dt = this.dt(kind);
    return this.start('MPI_Igatherv', [send, recv, c, d], (req) => this.m.fn.Igatherv(send, send.byteLength / size(kind), dt, recv ?? null, c, d, dt, root, this.comm(context), req));
  }

  allgatherv(context: number, kind: number, send: Uint8Array, recv: Uint8Array, counts: readonly number[]): Op<void> {
    const [c, d] = layout(counts);
    const dt = this.dt(kind);
    return this.start('MPI_Iallgatherv', [send, recv, c, d], (req) => this.m.fn.Iallgatherv(send, send.byteLength / size(kind), dt, recv, c, d, dt, this.comm(context), req));
  }

  scatterv(context: number, kind: number, send: Uint8Array | undefined, counts: readonly number[], recv: Uint8Array, root: number): Op<void> {
    const [c, d] = layout(counts);
    const dt = this.dt(kind);
    return this.start('MPI_Iscatterv', [send, recv, c, d], (req) => this.m.fn.Iscatterv(send ?? null, c, d, dt, recv, recv.byteLength / size(kind), dt, root, this.comm(context), req));
  }

  alltoallv(context: number, kind: number, send: Uint8Array, sendCounts: readonly number[], recv: Uint8Array, recvCounts: readonly number[]): Op<void> {
    const [sc, sd] = layout(sendCounts);
    const [rc, rd] = layout(recvCounts);
    const dt = this.dt(kind);
    return this.start('MPI_Ialltoallv', [send, recv, sc, sd, rc, rd], (req) => this.m.fn.Ialltoallv(send, sc, sd, dt, recv, rc, rd, dt, this.comm(context), req));
  }

  private comm(context: number): number {
    return this.channel(context).comm;
  }

  private dt(kind: number): number {
    const t = this.m.abi.types;
    if (kind === NODE_BUFFER) return t.uint8;
    return kind >= TYPED_BASE ? t[TYPED_DT[kind - TYPED_BASE]!] : t.byte;
  }

  private start(call: string, keep: unknown[], begin: (req: number) => number): Op<void> {
    const op = new Op<void>();
    const p = new Pending(this.m, op, call, keep);
    const rc = begin(this.table.add(p));
    if (rc !== 0) {
      this.table.drop(p);
      op.reject(this.m.error(rc, call));
      return op;
    }
    if (!this.table.test(p)) this.kick();
    return op;
  }
}

function size(kind: number): number {
  return kind >= TYPED_BASE ? TYPED_BYTES[kind - TYPED_BASE]! : 1;
}

/** MPI's counts and displacements (C ints, in elements). */
function layout(counts: readonly number[]): [Int32Array, Int32Array] {
  const c = Int32Array.from(counts);
  const d = new Int32Array(c.length);
  for (let i = 1; i < c.length; i++) d[i] = d[i - 1]! + c[i - 1]!;
  return [c, d];
}
