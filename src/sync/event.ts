// Event: one flag word; waiters sleep while it is 0.
import { deadlineOf, type WaitOptions } from './options.ts';
import { checkSignal } from '../validate.ts';
import { SHARED, registerShared, type SharedState } from './share.ts';
import { now, runAsync, runSync, type WaitSteps } from './wait.ts';

export interface EventState extends SharedState {
  readonly type: 'Event';
  /** [flag] */
  readonly ctl: Int32Array;
}

function* waitOp(ctl: Int32Array, deadline: number): WaitSteps<boolean> {
  for (;;) {
    if (Atomics.load(ctl, 0) !== 0) return true;
    if (now() >= deadline) return false;
    yield { i32: ctl, index: 0, value: 0, deadline };
  }
}

/**
 * A flag in shared memory that threads can wait for. Python's `multiprocessing.Event`.
 *
 * @example
 * const ready = new Event();
 * // worker: await ready.wait(); ...
 * ready.set();
 * await ready.wait({ timeout: 1000 }); // true once set, false after 1 s otherwise
 */
export class Event {
  /** The shared state: what `share()` and `postMessage` carry to other threads. */
  readonly [SHARED]: EventState;

  constructor() {
    this[SHARED] = { type: 'Event', ctl: new Int32Array(new SharedArrayBuffer(4)) };
  }

  /** True when the flag is set. */
  isSet(): boolean {
    return Atomics.load(this[SHARED].ctl, 0) !== 0;
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    const ctl = this[SHARED].ctl;
    Atomics.store(ctl, 0, 1);
    Atomics.notify(ctl, 0);
  }

  /** Clears the flag: later `wait`s wait again. */
  clear(): void {
    Atomics.store(this[SHARED].ctl, 0, 0);
  }

  /**
   * Waits until the flag is set. Resolves `true` when set, `false` when `timeout` ran
   * out first; rejects with `AbortError` when `signal` aborts.
   */
  wait(options?: WaitOptions): Promise<boolean> {
    const deadline = deadlineOf(options);
    return runAsync(waitOp(this[SHARED].ctl, deadline), 'Event.wait()', checkSignal(options?.signal));
  }

  /** `wait` that blocks the thread (Atomics.wait). */
  waitSync(options?: Omit<WaitOptions, 'signal'>): boolean {
    return runSync(waitOp(this[SHARED].ctl, deadlineOf(options)));
  }
}
registerShared('Event', Event);
