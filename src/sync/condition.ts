// Condition: a lock plus a wait list kept as counters under an internal guard.
// Every waiter draws a ticket (TAIL) while it still holds the lock. notify() moves the
// bound (BOUND = TAIL) so that exactly the waiters registered by then are "old", and hands
// out permits that only old waiters may take: a waiter that starts waiting after a notify
// (the notifier itself among them) never takes the wake meant for one already asleep,
// as in Python, where notify() wakes only threads already waiting. A wake word SEQ changes
// on every notify so a waiter that read it before checking permits never misses one.
import { TimeoutError } from '../errors.ts';
import { NotHeldError } from './errors.ts';
import { guarded } from './futex.ts';
import { Held } from './held.ts';
import { ME, RLock, acquireOp, isOwned, releaseAll, releaseLock, restoreOp, type AnyLockState, type Lock } from './lock.ts';
import { deadlineOf, type AcquireOptions, type WaitOptions } from './options.ts';
import { checkInteger, checkSignal } from '../validate.ts';
import { SHARED, fromState, registerShared, type SharedState } from './share.ts';
import { now, runAsync, runSync, type WaitSteps } from './wait.ts';

export interface ConditionState extends SharedState {
  readonly type: 'Condition';
  /** [guard, old sleepers, new sleepers, permits, seq, tail, bound] */
  readonly ctl: Int32Array;
  readonly lock: AnyLockState;
}

const GUARD = 0;
/** Waiters registered before the last notify, not yet woken or gone. */
const OLD = 1;
/** Waiters registered since the last notify. */
const NEW = 2;
/** Wakes handed out by notify and not yet taken; never more than OLD. */
const PERMITS = 3;
const SEQ = 4;
/** The next ticket. */
const TAIL = 5;
/** Tickets below it (in wrapping order) are old. */
const BOUND = 6;
const WORDS = 7;

// Tickets wrap around 2^32; compare them by their difference.
function isOld(ctl: Int32Array, ticket: number): boolean {
  return ((ticket - Atomics.load(ctl, BOUND)) | 0) < 0;
}

// Under the guard: a new waiter's ticket.
function register(ctl: Int32Array): number {
  Atomics.add(ctl, NEW, 1);
  return Atomics.add(ctl, TAIL, 1);
}

// Under the guard: takes a permit if this waiter may (it was waiting at a notify).
function takePermit(ctl: Int32Array, ticket: number): boolean {
  if (!isOld(ctl, ticket) || Atomics.load(ctl, PERMITS) === 0) return false;
  Atomics.sub(ctl, PERMITS, 1);
  Atomics.sub(ctl, OLD, 1);
  return true;
}

// Under the guard: a waiter leaving without a permit (timeout, abort). A permit it can no
// longer take stays for the other old waiters, as long as there are enough of them.
function withdraw(ctl: Int32Array, ticket: number): void {
  if (!isOld(ctl, ticket)) {
    Atomics.sub(ctl, NEW, 1);
    return;
  }
  const old = Atomics.sub(ctl, OLD, 1) - 1;
  if (Atomics.load(ctl, PERMITS) > old) Atomics.store(ctl, PERMITS, old);
}

// Under the guard: makes every registered waiter old and gives up to `n` of those not yet
// woken a permit; returns how many.
function grant(ctl: Int32Array, n: number): number {
  Atomics.add(ctl, OLD, Atomics.exchange(ctl, NEW, 0));
  Atomics.store(ctl, BOUND, Atomics.load(ctl, TAIL));
  const k = Math.min(n, Atomics.load(ctl, OLD) - Atomics.load(ctl, PERMITS));
  if (k > 0) Atomics.add(ctl, PERMITS, k);
  return k;
}

// No private (#) members in shared classes: revive() builds instances without the constructor.
function checkOwned(lock: AnyLockState, what: string): void {
  if (isOwned(lock)) return;
  const whose = lock.type === 'RLock' ? ` by this thread (thread ${ME - 1})` : '';
  throw new NotHeldError(`Condition.${what}() needs the lock held${whose}`);
}

function* waitOp(s: ConditionState, deadline: number): WaitSteps<boolean> {
  const ctl = s.ctl;
  // Registered while the lock is still held: a notify after this wakes this waiter.
  const ticket = yield* guarded(ctl, GUARD, () => register(ctl));
  const depth = releaseAll(s.lock);
  try {
    for (;;) {
      const seq = Atomics.load(ctl, SEQ);
      if (yield* guarded(ctl, GUARD, () => takePermit(ctl, ticket))) return true;
      if (now() >= deadline) return yield* guarded(ctl, GUARD, () => takePermit(ctl, ticket) || (withdraw(ctl, ticket), false));
      try {
        yield { i32: ctl, index: SEQ, value: seq, deadline };
      } catch (err) {
        yield* guarded(ctl, GUARD, () => withdraw(ctl, ticket));
        throw err;
      }
    }
  } finally {
    yield* restoreOp(s.lock, depth);
  }
}

/**
 * A condition variable over a `Lock` or `RLock` (a new `RLock` by default), usable from
 * every thread it is passed to. `wait` releases the lock while it sleeps and takes it
 * back before returning. Python's `multiprocessing.Condition`.
 *
 * @example
 * const cond = new Condition();
 * // consumer
 * await cond.acquire();
 * try { await cond.waitFor(() => items.value > 0); items.value -= 1; } finally { cond.release(); }
 * // producer
 * await cond.acquire(); items.value += 1; cond.notify(); cond.release();
 */
export class Condition {
  /** The shared state: what `share()` and `postMessage` carry to other threads. */
  readonly [SHARED]: ConditionState;

  constructor(lock: Lock | RLock = new RLock()) {
    this[SHARED] = { type: 'Condition', ctl: new Int32Array(new SharedArrayBuffer(WORDS * 4)), lock: lock[SHARED] };
  }

  /** The lock this condition uses (a view on the same shared lock). */
  get lock(): Lock | RLock {
    return fromState(this[SHARED].lock);
  }

  /** Takes the underlying lock (see `Lock.acquire`). */
  acquire(options?: AcquireOptions): Promise<boolean> {
    return runAsync(acquireOp(this[SHARED].lock, deadlineOf(options)), 'Condition.acquire()', options?.signal);
  }

  /** `acquire` that blocks the thread. */
  acquireSync(options?: Omit<AcquireOptions, 'signal'>): boolean {
    return runSync(acquireOp(this[SHARED].lock, deadlineOf(options)));
  }

  /** Releases the underlying lock. */
  release(): void {
    releaseLock(this[SHARED].lock);
  }

  /** Takes the underlying lock and returns a `Held` for `using`; rejects with `TimeoutError` when `timeout` runs out. */
  async hold(options?: WaitOptions): Promise<Held> {
    if (!(await this.acquire(options))) throw new TimeoutError('Condition.hold()', options!.timeout!);
    return new Held(() => this.release());
  }

  /**
   * Releases the lock, sleeps until notified, and takes the lock back. Resolves `true`
   * when notified, `false` when `timeout` ran out. The lock must be held (by this thread,
   * for an RLock), else `NotHeldError`. On abort the lock is taken back before the
   * `AbortError` rejects.
   */
  wait(options?: WaitOptions): Promise<boolean> {
    const deadline = deadlineOf(options);
    checkOwned(this[SHARED].lock, 'wait');
    return runAsync(waitOp(this[SHARED], deadline), 'Condition.wait()', options?.signal);
  }

  /** `wait` that blocks the thread. */
  waitSync(options?: Omit<WaitOptions, 'signal'>): boolean {
    const deadline = deadlineOf(options);
    checkOwned(this[SHARED].lock, 'wait');
    return runSync(waitOp(this[SHARED], deadline));
  }

  /**
   * Waits until `predicate()` is truthy (checked first, then after every wake) and returns
   * its last value, which is falsy when `timeout` ran out. The lock must be held.
   */
  async waitFor<T>(predicate: () => T, options?: WaitOptions): Promise<T> {
    const deadline = deadlineOf(options);
    const signal = checkSignal(options?.signal);
    let result = predicate();
    while (!result) {
      const left = deadline - now();
      if (left <= 0) break;
      await this.wait({ timeout: left === Infinity ? undefined : left, signal });
      result = predicate();
    }
    return result;
  }

  /**
   * Wakes up to `n` (default 1) of the threads waiting at this moment; a wait that starts
   * later (even this thread's) does not take their wakes. The lock must be held.
   */
  notify(n = 1): void {
    checkInteger('n', n, { min: 1 });
    checkOwned(this[SHARED].lock, 'notify');
    const ctl = this[SHARED].ctl;
    const woken = runSync(guarded(ctl, GUARD, () => grant(ctl, n)));
    if (woken > 0) {
      Atomics.add(ctl, SEQ, 1);
      Atomics.notify(ctl, SEQ);
    }
  }

  /** Wakes every waiter. The lock must be held. */
  notifyAll(): void {
    this.notify(2 ** 31 - 1);
  }
}
registerShared('Condition', Condition);
