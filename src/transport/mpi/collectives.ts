// MPI's own non-blocking collectives (MPI-3: MPI_Ibcast, MPI_Iallreduce, ...) on the
// communicator of a context, with element datatypes for typed arrays, so a C or mpi4py
// rank of the same job can take part in the same call.
import { NODE_BUFFER, TYPED_BASE } from '../../codec/kinds.ts';
import { TransportOp } from '../op.ts';
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
// TransportOp codes of ops.ts (SUM = 1 ... BXOR = 10) to the ABI's op names.
const OPS: readonly (keyof Mpi['abi']['ops'])[] = ['sum', 'prod', 'min', 'max', 'land', 'lor', 'lxor', 'band', 'bor', 'bxor'];

/** A collective in flight: keeps its buffers alive until MPI is done with them. */
class Pending implements RequestOwner {
  slot = -1;
  constructor(
    readonly m: Mpi,
    readonly op: TransportOp<void>,
    readonly call: string,
    readonly keep: unknown[],
  ) {}
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

  barrier(context: number): TransportOp<void> {
    const c = this.comm(context);
    return this.run(
      context,
      'MPI_Barrier',
      [],
      (req) => this.m.fn.Ibarrier(c, req),
      () => this.m.fn.Barrier(c),
    );
  }

  bcast(context: number, data: Uint8Array, root: number): TransportOp<void> {
    const f = this.m.fn;
    const a = [data, data.byteLength, this.m.abi.types.byte, root, this.comm(context)] as const;
    return this.run(
      context,
      'MPI_Bcast',
      [data],
      (req) => f.Ibcast(...a, req),
      () => f.Bcast(...a),
    );
  }

  /** A broadcast of a TypedArray's elements as MPI datatype elements (a mixed job's plain MPI_Bcast). */
  bcastTyped(context: number, kind: number, data: Uint8Array, root: number): TransportOp<void> {
    const f = this.m.fn;
    const a = [data, data.byteLength / size(kind), this.dt(kind), root, this.comm(context)] as const;
    return this.run(
      context,
      'MPI_Bcast',
      [data],
      (req) => f.Ibcast(...a, req),
      () => f.Bcast(...a),
    );
  }

  reduce(
    context: number,
    mode: ReduceMode,
    kind: number,
    send: Uint8Array,
    recv: Uint8Array | undefined,
    count: number,
    op: number,
    root: number,
  ): TransportOp<void> {
    const f = this.m.fn;
    const dt = this.dt(kind);
    const mop = this.m.abi.ops[OPS[op - 1]!];
    const comm = this.comm(context);
    const sbuf = recv && send.buffer === recv.buffer && send.byteOffset === recv.byteOffset ? this.m.abi.inPlace : send;
    const keep = [send, recv];
    switch (mode) {
      case 'reduce': {
        const a = [sbuf, recv ?? null, count, dt, mop, root, comm] as const;
        return this.run(
          context,
          'MPI_Reduce',
          keep,
          (req) => f.Ireduce(...a, req),
          () => f.Reduce(...a),
        );
      }
      case 'all': {
        const a = [sbuf, recv!, count, dt, mop, comm] as const;
        return this.run(
          context,
          'MPI_Allreduce',
          keep,
          (req) => f.Iallreduce(...a, req),
          () => f.Allreduce(...a),
        );
      }
      case 'scan': {
        const a = [sbuf, recv!, count, dt, mop, comm] as const;
        return this.run(
          context,
          'MPI_Scan',
          keep,
          (req) => f.Iscan(...a, req),
          () => f.Scan(...a),
        );
      }
      case 'exscan': {
        const a = [sbuf, recv!, count, dt, mop, comm] as const;
        return this.run(
          context,
          'MPI_Exscan',
          keep,
          (req) => f.Iexscan(...a, req),
          () => f.Exscan(...a),
        );
      }
    }
  }

  reduceScatter(context: number, kind: number, send: Uint8Array, recv: Uint8Array, counts: readonly number[], op: number): TransportOp<void> {
    const f = this.m.fn;
    const c = Int32Array.from(counts);
    const a = [send, recv, c, this.dt(kind), this.m.abi.ops[OPS[op - 1]!], this.comm(context)] as const;
    return this.run(
      context,
      'MPI_Reduce_scatter',
      [send, recv, c],
      (req) => f.Ireduce_scatter(...a, req),
      () => f.Reduce_scatter(...a),
    );
  }

  gatherv(context: number, kind: number, send: Uint8Array, recv: Uint8Array | undefined, counts: readonly number[], root: number): TransportOp<void> {
    const f = this.m.fn;
    const [c, d] = layout(counts);
    const dt = this.dt(kind);
    const a = [send, send.byteLength / size(kind), dt, recv ?? null, c, d, dt, root, this.comm(context)] as const;
    return this.run(
      context,
      'MPI_Gatherv',
      [send, recv, c, d],
      (req) => f.Igatherv(...a, req),
      () => f.Gatherv(...a),
    );
  }

  allgatherv(context: number, kind: number, send: Uint8Array, recv: Uint8Array, counts: readonly number[]): TransportOp<void> {
    const f = this.m.fn;
    const [c, d] = layout(counts);
    const dt = this.dt(kind);
    const a = [send, send.byteLength / size(kind), dt, recv, c, d, dt, this.comm(context)] as const;
    return this.run(
      context,
      'MPI_Allgatherv',
      [send, recv, c, d],
      (req) => f.Iallgatherv(...a, req),
      () => f.Allgatherv(...a),
    );
  }

  scatterv(context: number, kind: number, send: Uint8Array | undefined, counts: readonly number[], recv: Uint8Array, root: number): TransportOp<void> {
    const f = this.m.fn;
    const [c, d] = layout(counts);
    const dt = this.dt(kind);
    const a = [send ?? null, c, d, dt, recv, recv.byteLength / size(kind), dt, root, this.comm(context)] as const;
    return this.run(
      context,
      'MPI_Scatterv',
      [send, recv, c, d],
      (req) => f.Iscatterv(...a, req),
      () => f.Scatterv(...a),
    );
  }

  alltoallv(
    context: number,
    kind: number,
    send: Uint8Array,
    sendCounts: readonly number[],
    recv: Uint8Array,
    recvCounts: readonly number[],
  ): TransportOp<void> {
    const f = this.m.fn;
    const [sc, sd] = layout(sendCounts);
    const [rc, rd] = layout(recvCounts);
    const dt = this.dt(kind);
    const a = [send, sc, sd, dt, recv, rc, rd, dt, this.comm(context)] as const;
    return this.run(
      context,
      'MPI_Alltoallv',
      [send, recv, sc, sd, rc, rd],
      (req) => f.Ialltoallv(...a, req),
      () => f.Alltoallv(...a),
    );
  }

  /** True when the communicator of `context` has ranks that do not run ranks (C, mpi4py). */
  mixed(context: number): boolean {
    return this.channel(context).mixed;
  }

  private comm(context: number): number {
    return this.channel(context).comm;
  }

  private dt(kind: number): number {
    const t = this.m.abi.types;
    if (kind === NODE_BUFFER) return t.uint8;
    return kind >= TYPED_BASE ? t[TYPED_DT[kind - TYPED_BASE]!] : t.byte;
  }

  // The non-blocking form, polled like every request; on a mixed communicator the
  // blocking one, since the other programs' blocking calls only match blocking calls.
  private run(context: number, call: string, keep: unknown[], begin: (req: number) => number, blocking: () => number): TransportOp<void> {
    if (this.channel(context).mixed) {
      const rc = blocking();
      if (rc === 0) return TransportOp.resolved<void>(undefined);
      const failed = new TransportOp<void>();
      failed.reject(this.m.error(rc, call));
      return failed;
    }
    return this.start(`MPI_I${call.slice(4).toLowerCase()}`, keep, begin);
  }

  private start(call: string, keep: unknown[], begin: (req: number) => number): TransportOp<void> {
    const op = new TransportOp<void>();
    const p = new Pending(this.m, op, call, keep);
    const bytes = keep.reduce<number>((most, k) => (ArrayBuffer.isView(k) ? Math.max(most, k.byteLength) : most), 0);
    const rc = begin(this.table.add(p, bytes));
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
