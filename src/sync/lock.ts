// Lock and RLock: a mutex word (and, for RLock, its owner thread and depth).
import { threadId } from 'node:worker_threads';
import { TimeoutError } from '../errors.ts';
import { NotHeldError } from './errors.ts';
import { isLocked, lockOp, unlock } from './futex.ts';
import { Held } from './held.ts';
import { deadlineOf, type AcquireOptions, type WaitOptions } from './options.ts';
import { SHARED, registerShared, type SharedState } from './share.ts';
import { runAsync, runSync, type WaitSteps } from './wait.ts';

/** This thread's owner id in RLock words (0 is nobody). */
export const ME = threadId + 1;

export interface LockState extends SharedState {
  readonly type: 'Lock';
  /** [mutex] */
  readonly ctl: Int32Array;
}

export interface RLockState extends SharedState {
  readonly type: 'RLock';
  /** [mutex, owner thread + 1, depth] */
  readonly ctl: Int32Array;
}

const MUTEX = 0;
const OWNER = 1;
const DEPTH = 2;

function words(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(n * 4));
}

/** The shared state of a lock-like primitive that Condition and Value can work with. */
export type AnyLockState = LockState | RLockState;

/** Waits for and takes a Lock or RLock until `deadline`. */
export function* acquireOp(s: AnyLockState, deadline: number): WaitSteps<boolean> {
  if (s.type === 'Lock') return yield* lockOp(s.ctl, MUTEX, deadline);
  const ctl = s.ctl;
  if (Atomics.load(ctl, OWNER) === ME) {
    Atomics.add(ctl, DEPTH, 1);
    return true;
  }
  if (!(yield* lockOp(ctl, MUTEX, deadline))) return false;
  Atomics.store(ctl, OWNER, ME);
  Atomics.store(ctl, DEPTH, 1);
  return true;
}

/** Releases a Lock or RLock once; throws NotHeldError when the caller does not hold it. */
export function releaseLock(s: AnyLockState): void {
  if (s.type === 'Lock') {
    if (!unlock(s.ctl, MUTEX)) throw new NotHeldError('Cannot release a Lock that is not locked');
    return;
  }
  const ctl = s.ctl;
  if (Atomics.load(ctl, OWNER) !== ME) throw new NotHeldError('Cannot release an RLock this thread does not hold');
  if (Atomics.sub(ctl, DEPTH, 1) > 1) return;
  Atomics.store(ctl, OWNER, 0);
  unlock(ctl, MUTEX);
}

/** True when the caller may use a Condition on this lock (an RLock must be this thread's). */
export function isOwned(s: AnyLockState): boolean {
  return s.type === 'Lock' ? isLocked(s.ctl, MUTEX) : Atomics.load(s.ctl, OWNER) === ME;
}

/** Releases the lock completely (whatever its RLock depth) for Condition.wait; returns the depth to restore. */
export function releaseAll(s: AnyLockState): number {
  if (s.type === 'Lock') {
    unlock(s.ctl, MUTEX);
    return 1;
  }
  const depth = Atomics.load(s.ctl, DEPTH);
  Atomics.store(s.ctl, DEPTH, 0);
  Atomics.store(s.ctl, OWNER, 0);
  unlock(s.ctl, MUTEX);
  return depth;
}

/** Takes the lock back after Condition.wait, at the depth releaseAll returned. */
export function* restoreOp(s: AnyLockState, depth: number): WaitSteps<void> {
  yield* lockOp(s.ctl, MUTEX, Infinity, false);
  if (s.type === 'RLock') {
    Atomics.store(s.ctl, OWNER, ME);
    Atomics.store(s.ctl, DEPTH, depth);
  }
}

// Methods shared by Lock and RLock.
abstract class LockBase<S extends AnyLockState> {
  /** The shared state: what `share()` and `postMessage` carry to other threads. */
  readonly [SHARED]: S;
  protected constructor(state: S) {
    this[SHARED] = state;
  }

  /**
   * Waits for the lock and takes it. Resolves `true` once held, `false` when `timeout`
   * ran out (or, with `blocking: false`, when it was taken); rejects with `AbortError`
   * when `signal` aborts.
   */
  acquire(options?: AcquireOptions): Promise<boolean> {
    const deadline = deadlineOf(options);
    return runAsync(acquireOp(this[SHARED], deadline), `${this[SHARED].type}.acquire()`, options?.signal);
  }

  /** `acquire` that blocks the thread (Atomics.wait): for worker code that cannot await. */
  acquireSync(options?: Omit<AcquireOptions, 'signal'>): boolean {
    return runSync(acquireOp(this[SHARED], deadlineOf(options)));
  }

  /** Releases the lock; throws `NotHeldError` when it is not held (by this thread, for RLock). */
  release(): void {
    releaseLock(this[SHARED]);
  }

  /**
   * Takes the lock and returns a `Held` for `using`; rejects with `TimeoutError` when
   * `timeout` runs out.
   */
  async hold(options?: WaitOptions): Promise<Held> {
    if (!(await this.acquire(options))) throw new TimeoutError(`${this[SHARED].type}.hold()`, options!.timeout!);
    return new Held(() => this.release());
  }

  /** `hold` that blocks the thread. */
  holdSync(options?: Omit<WaitOptions, 'signal'>): Held {
    if (!this.acquireSync(options)) throw new TimeoutError(`${this[SHARED].type}.holdSync()`, options!.timeout!);
    return new Held(() => this.release());
  }

  /** Runs `fn` while holding the lock (Python's `with lock:`), releasing it afterwards. */
  async withLock<R>(fn: () => R | Promise<R>, options?: WaitOptions): Promise<R> {
    using _held = await this.hold(options);
    return await fn();
  }
}

/**
 * A non-recursive lock in shared memory, usable from every thread it is passed to
 * (`share`/`revive`, or `postMessage` then `revive`). Any thread may release it.
 * Python's `multiprocessing.Lock`.
 *
 * @example
 * const lock = new Lock();
 * await lock.acquire();
 * try { counter.value += 1; } finally { lock.release(); }
 * // or: using held = await lock.hold();
 */
export class Lock extends LockBase<LockState> {
  constructor() {
    super({ type: 'Lock', ctl: words(1) });
  }

  /** True while someone holds the lock. */
  locked(): boolean {
    return isLocked(this[SHARED].ctl, MUTEX);
  }
}
registerShared('Lock', Lock);

/**
 * A reentrant lock: the thread that holds it may take it again, and must release it as
 * many times. Ownership is per thread (like Python's), so async tasks of one thread share
 * it. Releasing it from another thread throws `NotHeldError`. Python's `multiprocessing.RLock`.
 *
 * @example
 * const rlock = new RLock();
 * await rlock.acquire(); await rlock.acquire();
 * rlock.release(); rlock.release();
 */
export class RLock extends LockBase<RLockState> {
  constructor() {
    super({ type: 'RLock', ctl: words(3) });
  }

  /** True while some thread holds the lock. */
  locked(): boolean {
    return isLocked(this[SHARED].ctl, MUTEX);
  }

  /** True when this thread holds the lock. */
  isOwned(): boolean {
    return isOwned(this[SHARED]);
  }
}
registerShared('RLock', RLock);
