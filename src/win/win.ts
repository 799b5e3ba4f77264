import type { Communicator } from '../comm/communicator.ts';
import { SUM, type Op, type TypedArray } from '../comm/collectives/ops.ts';
import { Group } from '../comm/group.ts';
import type { Request } from '../comm/request.ts';
import { PROC_NULL } from '../constants.ts';
import { InvalidArgumentError, InvalidStateError } from '../errors.ts';
import type { Backend, Flavor, WinLayout } from './backend.ts';
import { checkAccOp, checkArray, checkSpan, checkTarget } from './checks.ts';
import { makeWindow } from './create.ts';
import { Epochs } from './epochs.ts';
import { KINDS, kindName, type WinKind } from './kinds.ts';
import {
  checkKind,
  checkLength,
  request,
  type Element,
  type FenceOptions,
  type GetAccumulateOptions,
  type LockOptions,
  type Loose,
  type RmaOptions,
} from './options.ts';

export type { FenceOptions, GetAccumulateOptions, LockOptions, Loose, RmaOptions } from './options.ts';

/**
 * A window of memory that every rank of a communicator exposes to one-sided access
 * (mpi4py's `Win`): `put`, `get` and atomic `accumulate` into other ranks' windows with
 * no call on their side, inside an epoch opened by `fence`, `lock`/`lockAll` or
 * `start` (with `post`/`wait` on the targets).
 *
 * Threads: windows live on SharedArrayBuffers; put/get are one copy by the origin.
 * Processes: the target's event loop applies operations as they arrive (it must turn:
 * a target stuck in a long synchronous loop delays its origins). MPI: `MPI_Win_*`.
 *
 * @example
 * const win = await Win.allocate(comm, Float64Array, 10);
 * await win.fence();
 * if (comm.rank === 0) await win.put(new Float64Array([1, 2]), 1, { offset: 4 });
 * await win.fence();
 * await win.free();
 */
export class Win<A extends TypedArray = TypedArray> {
  readonly #e: Epochs;

  /** @internal */
  constructor(
    /** @internal */ readonly backend: Backend,
    /** @internal */ readonly layout: WinLayout,
    /** The window's communicator (a private duplicate of the one it was made from). */
    readonly comm: Communicator,
    /** @internal */ readonly flavor: Flavor = 'allocate',
  ) {
    this.#e = new Epochs(comm.size);
  }

  /**
   * Allocates `length` elements of `kind` on every rank (collective; ranks may pass
   * different lengths).
   *
   * @example
   * const win = await Win.allocate(world(), Float64Array, 1024);
   */
  static allocate<K extends WinKind>(comm: Communicator, kind: K, length: number): Promise<Win<Loose<InstanceType<K>>>> {
    return makeWindow(comm, 'allocate', () => ({
      kind: checkKind(kind, 'Win.allocate'),
      length: checkLength(length, 'Win.allocate'),
      memory: undefined,
    })) as Promise<Win<Loose<InstanceType<K>>>>;
  }

  /**
   * Exposes memory the caller owns (collective). On threads it must live on a
   * SharedArrayBuffer, so the other ranks can reach it.
   *
   * @example
   * const mem = new Int32Array(new SharedArrayBuffer(64));
   * const win = await Win.create(comm, mem);
   */
  static create<T extends TypedArray>(comm: Communicator, memory: T): Promise<Win<Loose<T>>> {
    return makeWindow(comm, 'create', () => {
      const m = checkArray(memory, 'memory', 'Win.create');
      return { kind: checkKind(m.constructor, 'Win.create'), length: m.length, memory: m };
    }) as Promise<Win<Loose<T>>>;
  }

  /**
   * Allocates memory that ranks of one node share (collective): `sharedQuery(r)` is a
   * live view of rank r's part. Threads and MPI; processes cannot map each other's memory.
   *
   * @example
   * const win = await Win.allocateShared(comm, Int32Array, 16);
   * const left = win.sharedQuery((comm.rank + comm.size - 1) % comm.size);
   */
  static allocateShared<K extends WinKind>(comm: Communicator, kind: K, length: number): Promise<Win<Loose<InstanceType<K>>>> {
    return makeWindow(comm, 'shared', () => ({
      kind: checkKind(kind, 'Win.allocateShared'),
      length: checkLength(length, 'Win.allocateShared'),
      memory: undefined,
    })) as Promise<Win<Loose<InstanceType<K>>>>;
  }

  /** This rank's part of the window. */
  get array(): A {
    return this.backend.array as A;
  }

  /**
   * A live view of rank `rank`'s part of a window made by `allocateShared`.
   *
   * @example
   * win.sharedQuery(0)[3] = 7; // rank 0 sees it at once
   */
  sharedQuery(rank: number): A {
    this.#e.alive('sharedQuery');
    const r = checkTarget(rank, this.comm.size, 'sharedQuery');
    if (this.flavor !== 'shared' || !this.backend.sharedQuery) throw new InvalidStateError('sharedQuery: the window was not made by Win.allocateShared');
    return this.backend.sharedQuery(r) as A;
  }

  /**
   * Writes `data` into rank `target`'s window at `offset`.
   *
   * @example
   * await win.put(new Float64Array([1, 2, 3]), 1, { offset: 8 });
   */
  async put(data: A, target: number, options?: RmaOptions): Promise<void> {
    const t = this.#e.target(target, 'put');
    if (t === PROC_NULL) return;
    const d = checkArray(data, 'data', 'put');
    const off = checkSpan(this.layout, t, d, options?.offset ?? 0, 'put');
    await this.backend.put(d, t, off);
  }

  /**
   * Reads `into.length` elements of rank `target`'s window at `offset` into `into`.
   *
   * @example
   * const got = await win.get(new Float64Array(3), 1, { offset: 8 });
   */
  async get<T extends A>(into: T, target: number, options?: RmaOptions): Promise<T> {
    const t = this.#e.target(target, 'get');
    if (t === PROC_NULL) return into;
    const d = checkArray(into, 'into', 'get');
    const off = checkSpan(this.layout, t, d, options?.offset ?? 0, 'get');
    await this.backend.get(d, t, off);
    return into;
  }

  /**
   * target[offset + i] = target[offset + i] op data[i], each element atomically. `op` is a
   * predefined op, or REPLACE / NO_OP.
   *
   * @example
   * await win.accumulate(new Float64Array([1]), 0, SUM);
   */
  async accumulate(data: A, target: number, op: Op, options?: RmaOptions): Promise<void> {
    const t = this.#e.target(target, 'accumulate');
    if (t === PROC_NULL) return;
    const d = checkArray(data, 'data', 'accumulate');
    const off = checkSpan(this.layout, t, d, options?.offset ?? 0, 'accumulate');
    await this.backend.accumulate(d, t, off, checkAccOp(op, this.layout.kinds[t]!, 'accumulate'));
  }

  /**
   * As `accumulate`, and returns the target's elements as they were before.
   *
   * @example
   * const before = await win.getAccumulate(new Int32Array([1, 1]), 0, SUM);
   */
  async getAccumulate<T extends A>(data: T, target: number, op: Op, options?: GetAccumulateOptions): Promise<T> {
    const t = this.#e.target(target, 'getAccumulate');
    const d = checkArray(data, 'data', 'getAccumulate');
    const into = (options?.into === undefined ? new (d.constructor as new (n: number) => T)(d.length) : checkArray(options.into, 'into', 'getAccumulate')) as T;
    if (into.constructor !== d.constructor || into.length !== d.length)
      throw new InvalidArgumentError(
        `getAccumulate: \`into\` must be a ${d.constructor.name} of ${d.length} elements, got a ${into.constructor.name} of ${into.length}`,
      );
    if (t === PROC_NULL) return into;
    const off = checkSpan(this.layout, t, d, options?.offset ?? 0, 'getAccumulate');
    await this.backend.getAccumulate(d, into, t, off, checkAccOp(op, this.layout.kinds[t]!, 'getAccumulate'));
    return into;
  }

  /**
   * Atomically applies `op` (SUM by default) with `value` to one element of the target's
   * window and returns the element as it was.
   *
   * @example
   * const ticket = await win.fetchAndOp(1, 0, 0, SUM); // a shared counter on rank 0
   */
  async fetchAndOp(value: Element<A>, target: number, offset = 0, op: Op = SUM): Promise<Element<A>> {
    const t = this.#e.target(target, 'fetchAndOp');
    if (t === PROC_NULL) return undefined as never;
    const one = this.#scalar(t, value, 'value', 'fetchAndOp');
    const off = checkSpan(this.layout, t, one, offset, 'fetchAndOp');
    const out = one.slice();
    await this.backend.getAccumulate(one, out, t, off, checkAccOp(op, this.layout.kinds[t]!, 'fetchAndOp'));
    return out[0] as Element<A>;
  }

  /**
   * Atomically sets one element of the target's window to `value` if it equals `compare`
   * (bit for bit); returns the element as it was.
   *
   * @example
   * const was = await win.compareAndSwap(comm.rank, -1, 0, 0); // take an empty slot
   */
  async compareAndSwap(value: Element<A>, compare: Element<A>, target: number, offset = 0): Promise<Element<A>> {
    const t = this.#e.target(target, 'compareAndSwap');
    if (t === PROC_NULL) return undefined as never;
    const v = this.#scalar(t, value, 'value', 'compareAndSwap');
    const c = this.#scalar(t, compare, 'compare', 'compareAndSwap');
    const off = checkSpan(this.layout, t, v, offset, 'compareAndSwap');
    const out = v.slice();
    await this.backend.compareAndSwap(v, c, out, t, off);
    return out[0] as Element<A>;
  }

  /**
   * A put as a Request, inside a passive-target epoch (`lock` or `lockAll`); it completes
   * when `data` may be reused.
   *
   * @example
   * const req = win.rput(data, 1); await req;
   */
  rput(data: A, target: number, options?: RmaOptions): Request<void> {
    return request(
      this.#passive(target, 'rput').then(async () => {
        const t = this.#e.target(target, 'rput');
        if (t === PROC_NULL) return;
        const d = checkArray(data, 'data', 'rput');
        const off = checkSpan(this.layout, t, d, options?.offset ?? 0, 'rput');
        if (this.backend.rput) await this.backend.rput(d, t, off);
        else await this.backend.put(d, t, off);
      }),
    );
  }

  /**
   * A get as a Request, inside a passive-target epoch; it completes with `into` filled.
   *
   * @example
   * const got = await win.rget(new Float64Array(4), 1);
   */
  rget<T extends A>(into: T, target: number, options?: RmaOptions): Request<T> {
    return request(
      this.#passive(target, 'rget').then(async () => {
        const t = this.#e.target(target, 'rget');
        if (t === PROC_NULL) return into;
        const d = checkArray(into, 'into', 'rget');
        const off = checkSpan(this.layout, t, d, options?.offset ?? 0, 'rget');
        if (this.backend.rget) await this.backend.rget(d, t, off);
        else await this.backend.get(d, t, off);
        return into;
      }),
    );
  }

  /**
   * Opens (and ends) an active-target epoch on every rank of the window (collective):
   * operations before it are complete everywhere after it.
   *
   * @example
   * await win.fence(); await win.put(x, 1); await win.fence();
   */
  async fence(options?: FenceOptions): Promise<void> {
    this.#e.alive('fence');
    if (this.#e.open) throw new InvalidStateError('fence: a lock, lockAll, start or post epoch is open on this window; end it first');
    await this.backend.fence(options?.end === true);
    this.#e.fenced = options?.end !== true;
  }

  /**
   * Starts a passive-target epoch to `target`: an exclusive lock by default, shared with
   * `{ exclusive: false }`.
   *
   * @example
   * await win.lock(1); await win.put(x, 1); await win.unlock(1);
   */
  async lock(target: number, options?: LockOptions): Promise<void> {
    const t = this.#e.sync(target, 'lock');
    if (this.#e.locks.has(t) || this.#e.all) throw new InvalidStateError(`lock: rank ${t} is already locked by this rank`);
    const exclusive = options?.exclusive ?? true;
    if (typeof exclusive !== 'boolean')
      throw new InvalidArgumentError(`Expected \`exclusive\` to be a boolean, got ${String(exclusive)} (${typeof exclusive})`);
    this.#e.locks.set(t, exclusive);
    try {
      await this.backend.lock(t, exclusive);
    } catch (err) {
      this.#e.locks.delete(t);
      throw err;
    }
  }

  /**
   * Ends the epoch to `target`: every operation to it is complete there.
   *
   * @example
   * await win.unlock(1);
   */
  async unlock(target: number): Promise<void> {
    this.#e.alive('unlock');
    const t = checkTarget(target, this.comm.size, 'unlock');
    if (!this.#e.locks.has(t)) throw new InvalidStateError(`unlock: rank ${t} is not locked by this rank`);
    await this.backend.unlock(t);
    this.#e.locks.delete(t);
  }

  /**
   * A shared lock on every rank of the window.
   *
   * @example
   * await win.lockAll(); await win.flushAll(); await win.unlockAll();
   */
  async lockAll(): Promise<void> {
    this.#e.sync(0, 'lockAll');
    if (this.#e.all || this.#e.locks.size > 0) throw new InvalidStateError('lockAll: this rank already holds locks on the window');
    this.#e.all = true;
    try {
      await this.backend.lockAll();
    } catch (err) {
      this.#e.all = false;
      throw err;
    }
  }

  /** Ends `lockAll`'s epoch. @example await win.unlockAll(); */
  async unlockAll(): Promise<void> {
    this.#e.alive('unlockAll');
    if (!this.#e.all) throw new InvalidStateError('unlockAll: lockAll was not called');
    await this.backend.unlockAll();
    this.#e.all = false;
  }

  /** Completes every operation to `target` at the target, in a passive epoch. @example await win.flush(1); */
  async flush(target: number): Promise<void> {
    await this.backend.flush(this.#e.passiveNow(target, 'flush'));
  }

  /** `flush` to every rank. @example await win.flushAll(); */
  async flushAll(): Promise<void> {
    this.#e.passiveAny('flushAll');
    await this.backend.flushAll();
  }

  /** Completes operations to `target` at this rank (their buffers may be reused). @example await win.flushLocal(1); */
  async flushLocal(target: number): Promise<void> {
    await this.backend.flushLocal(this.#e.passiveNow(target, 'flushLocal'));
  }

  /**
   * Opens this rank's window to access by the ranks of `group` (a Group, or window ranks),
   * until `wait`.
   *
   * @example
   * await win.post([0]); await win.wait();
   */
  async post(group: Group | readonly number[]): Promise<void> {
    this.#e.alive('post');
    const ranks = this.#ranks(group, 'post');
    if (this.#e.posted) throw new InvalidStateError('post: an exposure epoch is already open; call wait() first');
    this.#e.fenced = false;
    this.#e.posted = true;
    await this.backend.post(ranks);
  }

  /**
   * Opens access to the ranks of `group` once each has posted, until `complete`.
   *
   * @example
   * await win.start([1]); await win.put(x, 1); await win.complete();
   */
  async start(group: Group | readonly number[]): Promise<void> {
    this.#e.alive('start');
    const ranks = this.#ranks(group, 'start');
    if (this.#e.started) throw new InvalidStateError('start: an access epoch is already open; call complete() first');
    this.#e.fenced = false;
    this.#e.started = new Set(ranks);
    await this.backend.start(ranks);
  }

  /** Ends `start`'s epoch: the operations are complete at the targets. @example await win.complete(); */
  async complete(): Promise<void> {
    this.#e.alive('complete');
    if (!this.#e.started) throw new InvalidStateError('complete: start() was not called');
    await this.backend.complete();
    this.#e.started = undefined;
  }

  /** Ends `post`'s epoch once every origin has completed. @example await win.wait(); */
  async wait(): Promise<void> {
    this.#e.alive('wait');
    if (!this.#e.posted) throw new InvalidStateError('wait: post() was not called');
    await this.backend.wait();
    this.#e.posted = false;
  }

  /**
   * Frees the window (collective): every operation is complete, and the memory is
   * released by every rank.
   *
   * @example
   * await win.free();
   */
  async free(): Promise<void> {
    this.#e.alive('free');
    if (this.#e.open) throw new InvalidStateError('free: an epoch is still open on this window; end it first');
    this.#e.freed = true;
    await this.backend.free();
  }

  /** Frees the window (`await using win = await Win.allocate(...)`). */
  async [Symbol.asyncDispose](): Promise<void> {
    if (!this.#e.freed) await this.free();
  }

  // The check as a promise, so a request-based call reports it through its request.
  #passive(target: number, where: string): Promise<void> {
    try {
      if (target !== PROC_NULL) this.#e.passiveNow(target, where);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  #ranks(group: Group | readonly number[], where: string): number[] {
    const ranks =
      group instanceof Group
        ? group.translateRanks(
            Array.from({ length: group.size }, (_, i) => i),
            this.comm.group,
          )
        : group;
    if (!Array.isArray(ranks)) throw new InvalidArgumentError(`${where}: expected a Group or an array of ranks, got ${typeof group}`);
    return ranks.map((r) => checkTarget(r, this.comm.size, where));
  }

  #scalar(target: number, value: unknown, name: string, where: string): TypedArray {
    const kind = this.layout.kinds[target]!;
    const ctor = KINDS[kind]! as unknown as new (n: number) => TypedArray;
    const big = kind === 6 || kind === 7;
    if (big ? typeof value !== 'bigint' : typeof value !== 'number') {
      throw new InvalidArgumentError(
        `${where}: expected \`${name}\` to be a ${big ? 'bigint' : 'number'} for rank ${target}'s ${kindName(kind)} window, got ${String(value)} (${typeof value})`,
      );
    }
    const a = new ctor(1);
    a[0] = value as never;
    return a;
  }
}
