// Windows of the MPI transport: MPI_Win_allocate / _create / _allocate_shared on the
// window communicator's MPI communicator, and every operation and synchronization call
// straight to MPI. Memory MPI allocated is seen through a koffi view (no copy); memory
// the caller passes to `create` is held by the window until MPI_Win_free, as are origin
// buffers until the synchronization that completes their operations.
//
// Synchronization calls (fence, lock, unlock, flush, PSCW) are MPI's blocking ones: the
// thread waits inside MPI, making progress, until the other ranks take part; fence and
// PSCW are collective, so every rank reaches them, and a lock is granted once its
// holder unlocks. While a window lives, a light poll (MPI_Iprobe from an unref'd timer)
// lets MPI make progress for passive-target operations aimed at a rank idle in its event loop.
import type { Communicator } from '../comm/communicator.ts';
import type { Op, TypedArray } from '../comm/collectives/ops.ts';
import type { Mpi } from '../transport/mpi/bindings.ts';
import { mpi } from '../transport/mpi/bindings.ts';
import { koffi } from '../transport/mpi/library.ts';
import type { MpiTransport } from '../transport/mpi/transport.ts';
import type { Backend, BackendInit } from './backend.ts';
import { KINDS, view } from './kinds.ts';
import { winMpi, type WinAbi, type WinFunctions } from './mpi-table.ts';

const DONE = Promise.resolve();
/** ops.ts codes to the ABI's op names. */
const OP_NAMES = ['sum', 'prod', 'min', 'max', 'land', 'lor', 'lxor', 'band', 'bor', 'bxor'] as const;
/** kinds.ts codes to the ABI's datatype names (Uint8ClampedArray as uint8). */
const TYPES = ['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float', 'double', 'uint8'] as const;

/** True when `comm` is the world of a job mixed with other programs (mpi4py, C), see transport/mpi/transport.ts. */
export function mixedJob(comm: Communicator): boolean {
  return (comm.transport as MpiTransport).channel(comm.context).mixed;
}

let live = 0;
let poller: NodeJS.Timeout | undefined;

// Keeps MPI's progress engine turning while windows exist (see the top of this file).
function startPolling(m: Mpi, fn: WinFunctions): void {
  if (live++ > 0) return;
  const flag = new Int32Array(1);
  poller = setInterval(() => fn.Iprobe(m.abi.anySource, m.abi.anyTag, m.abi.commWorld, flag, m.abi.statusIgnore), 1);
  poller.unref();
}

function stopPolling(): void {
  if (--live > 0) return;
  clearInterval(poller);
  poller = undefined;
}

export class MpiBackend implements Backend {
  readonly array: TypedArray;
  private readonly m: Mpi;
  private readonly fn: WinFunctions;
  private readonly wa: WinAbi;
  private readonly dt: number;
  /** Buffers MPI may still read or write, by target, until a synchronization completes them. */
  private readonly pinned = new Map<number, TypedArray[]>();
  private readonly held = new Set<number>();
  private all = false;
  private freed = false;

  private constructor(
    private readonly init: BackendInit,
    private readonly win: number,
    private readonly winCell: Uint8Array,
    array: TypedArray,
    /** The caller's memory (create), held until MPI_Win_free. */
    private readonly memory: TypedArray | undefined,
  ) {
    this.m = mpi();
    const w = winMpi(this.m);
    this.fn = w.fn;
    this.wa = w.abi;
    this.array = array;
    this.dt = this.m.abi.types[TYPES[init.layout.kinds[init.comm.rank]!]!];
    startPolling(this.m, this.fn);
  }

  static create(init: BackendInit): Promise<MpiBackend> {
    const m = mpi();
    const { fn, abi } = winMpi(m);
    const t = init.comm.transport as MpiTransport;
    const comm = t.channel(init.comm.context).comm;
    const me = init.comm.rank;
    const kind = init.layout.kinds[me]!;
    const n = init.layout.lengths[me]!;
    const unit = KINDS[kind]!.BYTES_PER_ELEMENT;
    const bytes = n * unit;
    const cell = new Uint8Array(8);
    const base = new BigUint64Array(1);
    let array: TypedArray;
    if (init.flavor === 'create') {
      array = init.memory!;
      m.check(fn.Win_create(array, bytes, unit, abi.infoNull, comm, cell), 'MPI_Win_create');
    } else {
      const call = init.flavor === 'shared' ? fn.Win_allocate_shared : fn.Win_allocate;
      m.check(call(bytes, unit, abi.infoNull, comm, base, cell), init.flavor === 'shared' ? 'MPI_Win_allocate_shared' : 'MPI_Win_allocate');
      array = bytes === 0 ? view(kind, new ArrayBuffer(0), 0, 0) : view(kind, koffi().view(base[0]!, bytes) as ArrayBuffer, 0, n);
    }
    const win = m.abi.readHandle(cell, 0);
    m.check(fn.Win_set_errhandler(win, m.abi.errorsReturn), 'MPI_Win_set_errhandler');
    return Promise.resolve(new MpiBackend(init, win, cell, array, init.memory));
  }

  private check(rc: number, call: string): void {
    this.m.check(rc, call);
  }

  private pin(target: number, ...arrays: TypedArray[]): void {
    let list = this.pinned.get(target);
    if (!list) this.pinned.set(target, (list = []));
    list.push(...arrays);
  }

  private passive(target: number): boolean {
    return this.all || this.held.has(target);
  }

  // In a passive epoch a result is made complete here, so it is there when the call resolves;
  // in an active one MPI completes it at the closing fence or complete, as MPI says.
  private settleLocal(target: number, ...arrays: TypedArray[]): void {
    if (this.passive(target)) this.check(this.fn.Win_flush_local(target, this.win), 'MPI_Win_flush_local');
    else this.pin(target, ...arrays);
  }

  private opOf(op: Op): number {
    if (op.code === 13) return this.wa.replace;
    if (op.code === 14) return this.wa.noOp;
    return this.m.abi.ops[OP_NAMES[op.code - 1]!];
  }

  put(data: TypedArray, target: number, offset: number): Promise<void> {
    this.check(this.fn.Put(data, data.length, this.dt, target, offset, data.length, this.dt, this.win), 'MPI_Put');
    this.pin(target, data);
    return DONE;
  }

  get(into: TypedArray, target: number, offset: number): Promise<void> {
    this.check(this.fn.Get(into, into.length, this.dt, target, offset, into.length, this.dt, this.win), 'MPI_Get');
    this.settleLocal(target, into);
    return DONE;
  }

  rput(data: TypedArray, target: number, offset: number): Promise<void> {
    return this.request('MPI_Rput', data, (req) => this.fn.Rput(data, data.length, this.dt, target, offset, data.length, this.dt, this.win, req));
  }

  rget(into: TypedArray, target: number, offset: number): Promise<void> {
    return this.request('MPI_Rget', into, (req) => this.fn.Rget(into, into.length, this.dt, target, offset, into.length, this.dt, this.win, req));
  }

  // An MPI request, tested from the event loop until it completes (the buffer is held meanwhile).
  private request(call: string, buffer: TypedArray, start: (req: Uint8Array) => number): Promise<void> {
    const req = new Uint8Array(8);
    this.check(start(req), call);
    const flag = new Int32Array(1);
    return new Promise((resolve, reject) => {
      const poll = (): void => {
        const rc = this.m.fn.Test(req, flag, this.m.abi.statusIgnore);
        if (rc !== 0) return reject(this.m.error(rc, 'MPI_Test'));
        if (flag[0]) {
          void buffer;
          return resolve();
        }
        setImmediate(poll);
      };
      poll();
    });
  }

  accumulate(data: TypedArray, target: number, offset: number, op: Op): Promise<void> {
    // MPI allows MPI_NO_OP only where something is fetched; here it changes nothing anyway.
    if (op.code === 14) return DONE;
    this.check(this.fn.Accumulate(data, data.length, this.dt, target, offset, data.length, this.dt, this.opOf(op), this.win), 'MPI_Accumulate');
    this.pin(target, data);
    return DONE;
  }

  getAccumulate(data: TypedArray, result: TypedArray, target: number, offset: number, op: Op): Promise<void> {
    const n = data.length;
    if (n === 1) this.check(this.fn.Fetch_and_op(data, result, this.dt, target, offset, this.opOf(op), this.win), 'MPI_Fetch_and_op');
    else this.check(this.fn.Get_accumulate(data, n, this.dt, result, n, this.dt, target, offset, n, this.dt, this.opOf(op), this.win), 'MPI_Get_accumulate');
    this.settleLocal(target, data, result);
    return DONE;
  }

  compareAndSwap(value: TypedArray, compare: TypedArray, result: TypedArray, target: number, offset: number): Promise<void> {
    // MPI compares integers only: floats are compared bit for bit as integers of their size.
    const size = value.BYTES_PER_ELEMENT;
    const floats = value instanceof Float64Array || value instanceof Float32Array;
    const dt = floats ? this.m.abi.types[size === 8 ? 'int64' : 'int32'] : this.dt;
    this.check(this.fn.Compare_and_swap(value, compare, result, dt, target, offset, this.win), 'MPI_Compare_and_swap');
    this.settleLocal(target, value, compare, result);
    return DONE;
  }

  fence(end: boolean): Promise<void> {
    this.check(this.fn.Win_fence(end ? this.wa.modeNoSucceed : 0, this.win), 'MPI_Win_fence');
    this.pinned.clear();
    return DONE;
  }

  lock(target: number, exclusive: boolean): Promise<void> {
    this.check(this.fn.Win_lock(exclusive ? this.wa.lockExclusive : this.wa.lockShared, target, 0, this.win), 'MPI_Win_lock');
    this.held.add(target);
    return DONE;
  }

  unlock(target: number): Promise<void> {
    this.check(this.fn.Win_unlock(target, this.win), 'MPI_Win_unlock');
    this.held.delete(target);
    this.pinned.delete(target);
    return DONE;
  }

  lockAll(): Promise<void> {
    this.check(this.fn.Win_lock_all(0, this.win), 'MPI_Win_lock_all');
    this.all = true;
    return DONE;
  }

  unlockAll(): Promise<void> {
    this.check(this.fn.Win_unlock_all(this.win), 'MPI_Win_unlock_all');
    this.all = false;
    this.pinned.clear();
    return DONE;
  }

  flush(target: number): Promise<void> {
    this.check(this.fn.Win_flush(target, this.win), 'MPI_Win_flush');
    this.pinned.delete(target);
    return DONE;
  }

  flushAll(): Promise<void> {
    this.check(this.fn.Win_flush_all(this.win), 'MPI_Win_flush_all');
    this.pinned.clear();
    return DONE;
  }

  flushLocal(target: number): Promise<void> {
    this.check(this.fn.Win_flush_local(target, this.win), 'MPI_Win_flush_local');
    this.pinned.delete(target);
    return DONE;
  }

  private group(ranks: readonly number[]): { handle: number; cell: Uint8Array } {
    const f = this.m.fn;
    const comm = (this.init.comm.transport as MpiTransport).channel(this.init.comm.context).comm;
    const whole = new Uint8Array(8);
    this.check(f.Comm_group(comm, whole), 'MPI_Comm_group');
    const cell = new Uint8Array(8);
    this.check(f.Group_incl(this.m.abi.readHandle(whole, 0), ranks.length, Int32Array.from(ranks), cell), 'MPI_Group_incl');
    f.Group_free(whole);
    return { handle: this.m.abi.readHandle(cell, 0), cell };
  }

  post(ranks: readonly number[]): Promise<void> {
    const g = this.group(ranks);
    try {
      this.check(this.fn.Win_post(g.handle, 0, this.win), 'MPI_Win_post');
    } finally {
      this.m.fn.Group_free(g.cell);
    }
    return DONE;
  }

  start(ranks: readonly number[]): Promise<void> {
    const g = this.group(ranks);
    try {
      this.check(this.fn.Win_start(g.handle, 0, this.win), 'MPI_Win_start');
    } finally {
      this.m.fn.Group_free(g.cell);
    }
    return DONE;
  }

  complete(): Promise<void> {
    this.check(this.fn.Win_complete(this.win), 'MPI_Win_complete');
    this.pinned.clear();
    return DONE;
  }

  wait(): Promise<void> {
    this.check(this.fn.Win_wait(this.win), 'MPI_Win_wait');
    return DONE;
  }

  free(): Promise<void> {
    if (this.freed) return DONE;
    this.check(this.fn.Win_free(this.winCell), 'MPI_Win_free');
    this.freed = true;
    this.pinned.clear();
    void this.memory;
    stopPolling();
    return DONE;
  }

  sharedQuery(r: number): TypedArray {
    const size = new BigInt64Array(1);
    const unit = new Int32Array(1);
    const base = new BigUint64Array(1);
    this.check(this.fn.Win_shared_query(this.win, r, size, unit, base), 'MPI_Win_shared_query');
    const kind = this.init.layout.kinds[r]!;
    // MPI's own answer: in a job mixed with other programs, ranks does not know their sizes.
    const bytes = Number(size[0]);
    const n = Math.floor(bytes / KINDS[kind]!.BYTES_PER_ELEMENT);
    return bytes === 0 ? view(kind, new ArrayBuffer(0), 0, 0) : view(kind, koffi().view(base[0]!, bytes) as ArrayBuffer, 0, n);
  }
}
