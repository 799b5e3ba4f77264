// Windows of the threads transport: every rank's window memory is a SharedArrayBuffer
// handed to the other ranks when the window is made, so put and get are one copy by the
// origin and the target runs nothing. Locks are words in each rank's control block
// (atomic.ts), waited for with Atomics.waitAsync (sync/wait.ts), never a busy spin.
import type { Op, TypedArray } from '../comm/collectives/ops.ts';
import { runAsync, type WaitSteps, type Wait } from '../sync/wait.ts';
import type { ThreadsTransport } from '../transport/threads/transport.ts';
import { BELL, CONTROL_WORDS, LOCK, accumulateShared, compareAndSwapShared } from './atomic.ts';
import type { Backend, BackendInit } from './backend.ts';
import { KINDS, view } from './kinds.ts';
import { Pscw } from './pscw.ts';

const DONE = Promise.resolve();

interface Part {
  array: TypedArray;
  ctl: Int32Array;
}

function tryLock(ctl: Int32Array, exclusive: boolean): boolean {
  if (exclusive) return Atomics.compareExchange(ctl, LOCK, 0, -1) === 0;
  for (;;) {
    const v = Atomics.load(ctl, LOCK);
    if (v < 0) return false;
    if (Atomics.compareExchange(ctl, LOCK, v, v + 1) === v) return true;
  }
}

function* acquire(ctl: Int32Array, exclusive: boolean): WaitSteps<void> {
  for (;;) {
    const bell = Atomics.load(ctl, BELL);
    if (tryLock(ctl, exclusive)) return;
    const w: Wait = { i32: ctl, index: BELL, value: bell, deadline: Infinity };
    yield w;
  }
}

function release(ctl: Int32Array, exclusive: boolean): void {
  if (exclusive) Atomics.store(ctl, LOCK, 0);
  else Atomics.sub(ctl, LOCK, 1);
  Atomics.add(ctl, BELL, 1);
  Atomics.notify(ctl, BELL);
}

export class ThreadsBackend implements Backend {
  readonly array: TypedArray;
  private readonly held = new Map<number, boolean>();
  private readonly pscw: Pscw;

  private constructor(
    private readonly init: BackendInit,
    private readonly parts: Part[],
  ) {
    this.array = parts[init.comm.rank]!.array;
    this.pscw = new Pscw(init.comm);
  }

  /** Makes this rank's memory (or takes the caller's), hands it to every other rank and takes theirs. */
  static async create(init: BackendInit): Promise<ThreadsBackend> {
    const { comm, layout } = init;
    const t = comm.transport as ThreadsTransport;
    const me = comm.rank;
    const kind = layout.kinds[me]!;
    const n = layout.lengths[me]!;
    const array = init.memory ?? view(kind, new SharedArrayBuffer(n * KINDS[kind]!.BYTES_PER_ELEMENT), 0, n);
    const ctl = new SharedArrayBuffer(CONTROL_WORDS * 4);
    const key = `win:${comm.context}`;
    for (let r = 0; r < comm.size; r++) if (r !== me) t.shareBuffers(comm.world(r), key, [array.buffer as SharedArrayBuffer, ctl]);
    const parts: Part[] = [];
    // The byte offset travels in the layout's allgather: a created window may start anywhere in its buffer.
    await Promise.all(
      Array.from({ length: comm.size }, async (_, r) => {
        if (r === me) return void (parts[r] = { array, ctl: new Int32Array(ctl) });
        const [data, c] = await t.sharedBuffers(comm.world(r), key).promise;
        parts[r] = { array: view(layout.kinds[r]!, data!, layout.offsets[r]!, layout.lengths[r]!), ctl: new Int32Array(c!) };
      }),
    );
    return new ThreadsBackend(init, parts);
  }

  put(data: TypedArray, target: number, offset: number): Promise<void> {
    this.parts[target]!.array.set(data as never, offset);
    return DONE;
  }

  get(into: TypedArray, target: number, offset: number): Promise<void> {
    into.set(this.parts[target]!.array.subarray(offset, offset + into.length) as never);
    return DONE;
  }

  accumulate(data: TypedArray, target: number, offset: number, op: Op): Promise<void> {
    const p = this.parts[target]!;
    accumulateShared(p.array, offset, data, op, this.init.layout.kinds[target]!, p.ctl);
    return DONE;
  }

  getAccumulate(data: TypedArray, result: TypedArray, target: number, offset: number, op: Op): Promise<void> {
    const p = this.parts[target]!;
    accumulateShared(p.array, offset, data, op, this.init.layout.kinds[target]!, p.ctl, result);
    return DONE;
  }

  compareAndSwap(value: TypedArray, compare: TypedArray, result: TypedArray, target: number, offset: number): Promise<void> {
    const p = this.parts[target]!;
    compareAndSwapShared(p.array, offset, value, compare, this.init.layout.kinds[target]!, p.ctl, result);
    return DONE;
  }

  // The barrier's messages go through Atomics on the rings, which orders every copy made
  // before it ahead of every read made after it on the other ranks.
  fence(): Promise<void> {
    return this.init.comm.barrier();
  }

  async lock(target: number, exclusive: boolean): Promise<void> {
    await runAsync(acquire(this.parts[target]!.ctl, exclusive), `lock(${target})`);
    this.held.set(target, exclusive);
  }

  unlock(target: number): Promise<void> {
    release(this.parts[target]!.ctl, this.held.get(target)!);
    this.held.delete(target);
    return DONE;
  }

  async lockAll(): Promise<void> {
    for (let r = 0; r < this.parts.length; r++) await this.lock(r, false);
  }

  async unlockAll(): Promise<void> {
    for (const r of [...this.held.keys()]) await this.unlock(r);
  }

  // Every operation is complete at the target when its call returns.
  flush(): Promise<void> {
    return DONE;
  }

  flushAll(): Promise<void> {
    return DONE;
  }

  flushLocal(): Promise<void> {
    return DONE;
  }

  post(ranks: readonly number[]): Promise<void> {
    return this.pscw.post(ranks);
  }

  start(ranks: readonly number[]): Promise<void> {
    return this.pscw.start(ranks);
  }

  complete(): Promise<void> {
    return this.pscw.complete();
  }

  wait(): Promise<void> {
    return this.pscw.wait();
  }

  free(): Promise<void> {
    return this.init.comm.barrier();
  }

  sharedQuery(r: number): TypedArray {
    return this.parts[r]!.array;
  }
}
