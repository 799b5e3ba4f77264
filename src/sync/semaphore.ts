// Semaphore and BoundedSemaphore: one counting word (and the bound).
import { TimeoutError } from '../errors.ts';
import { OverReleaseError } from './errors.ts';
import { downOp, up } from './futex.ts';
import { Held } from './held.ts';
import { deadlineOf, type AcquireOptions, type WaitOptions } from './options.ts';
import { checkInteger } from '../validate.ts';
import { SHARED, registerShared, type SharedState } from './share.ts';
import { runAsync, runSync } from './wait.ts';

export interface SemaphoreState extends SharedState {
  readonly type: 'Semaphore' | 'BoundedSemaphore';
  /** [value, bound] */
  readonly ctl: Int32Array;
}

const VALUE = 0;
const BOUND = 1;

/**
 * A counter in shared memory: `acquire` takes one unit (waiting while there is none),
 * `release` gives units back. Python's `multiprocessing.Semaphore`.
 *
 * @example
 * const slots = new Semaphore(2); // at most two at once
 * using _slot = await slots.hold();
 * await download();
 */
export class Semaphore {
  /** The shared state: what `share()` and `postMessage` carry to other threads. */
  readonly [SHARED]: SemaphoreState;

  /** `value` is the initial count, an integer >= 0 (default 1). */
  constructor(value = 1) {
    const ctl = new Int32Array(new SharedArrayBuffer(8));
    ctl[VALUE] = checkInteger('value', value, { min: 0 });
    ctl[BOUND] = ctl[VALUE];
    this[SHARED] = { type: new.target === BoundedSemaphore ? 'BoundedSemaphore' : 'Semaphore', ctl };
  }

  /**
   * Takes one unit, waiting while the count is 0. Resolves `true` once taken, `false`
   * when `timeout` ran out (or, with `blocking: false`, when none was free); rejects
   * with `AbortError` when `signal` aborts.
   */
  acquire(options?: AcquireOptions): Promise<boolean> {
    const deadline = deadlineOf(options);
    return runAsync(downOp(this[SHARED].ctl, VALUE, deadline), `${this[SHARED].type}.acquire()`, options?.signal);
  }

  /** `acquire` that blocks the thread (Atomics.wait). */
  acquireSync(options?: Omit<AcquireOptions, 'signal'>): boolean {
    return runSync(downOp(this[SHARED].ctl, VALUE, deadlineOf(options)));
  }

  /** Gives back `n` units (default 1), waking as many waiters. */
  release(n = 1): void {
    checkInteger('n', n, { min: 1 });
    up(this[SHARED].ctl, VALUE, n);
  }

  /** The current count (a snapshot). */
  getValue(): number {
    return Atomics.load(this[SHARED].ctl, VALUE);
  }

  /** Takes a unit and returns a `Held` for `using`; rejects with `TimeoutError` when `timeout` runs out. */
  async hold(options?: WaitOptions): Promise<Held> {
    if (!(await this.acquire(options))) throw new TimeoutError(`${this[SHARED].type}.hold()`, options!.timeout!);
    return new Held(() => this.release());
  }
}
registerShared('Semaphore', Semaphore);

/**
 * A semaphore whose count may not exceed its initial value: a release beyond it throws
 * `OverReleaseError`. Python's `multiprocessing.BoundedSemaphore`.
 *
 * @example
 * const sem = new BoundedSemaphore(1);
 * sem.release(); // throws OverReleaseError: never acquired
 */
export class BoundedSemaphore extends Semaphore {
  override release(n = 1): void {
    checkInteger('n', n, { min: 1 });
    const ctl = this[SHARED].ctl;
    const bound = Atomics.load(ctl, BOUND);
    for (let v = Atomics.load(ctl, VALUE); ;) {
      if (v + n > bound) throw new OverReleaseError(`BoundedSemaphore released too many times (value ${v} + ${n} > bound ${bound})`);
      const seen = Atomics.compareExchange(ctl, VALUE, v, v + n);
      if (seen === v) break;
      v = seen;
    }
    Atomics.notify(ctl, VALUE, n);
  }
}
registerShared('BoundedSemaphore', BoundedSemaphore);
