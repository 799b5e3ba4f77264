import { CancelledError, InvalidArgumentError, TimeoutError } from '../errors.ts';
import { checkTimeout } from '../comm/validate.ts';
import { settleable } from '../promise.ts';

type State = 'pending' | 'running' | 'cancelled' | 'finished';
// A function of A checked as a method's parameter is (bivariantly), not contravariantly:
// so that a Future<number> is a Future<unknown> in the source as in the .d.ts.
type Bivariant<A> = { bivariant(a: A): void }['bivariant'];

/**
 * What a scheduler hears from the futures it made: one object per scheduler
 * instead of closures per future (an executor may hold tens of thousands of them). Not exported from the package.
 */
export interface FutureOwner {
  /** Withdraws the queued call kept in `slot`; false if it is too late. */
  withdraw(slot: unknown): boolean;
  /** The future of the call in `slot` is done (called before its done-callbacks). */
  finished(slot: unknown): void;
}

/**
 * The eventual result of a task (concurrent.futures' `Future`). Await it, or ask with a
 * timeout; a pending one can be cancelled.
 *
 * @example
 * const f = executor.submit(math.square, 7);
 * f.addDoneCallback((done) => console.log('done', done.cancelled()));
 * console.log(await f.result({ timeout: 1000 })); // 49
 */
export class Future<T = unknown> implements PromiseLike<T> {
  private state: State = 'pending';
  private value: T | undefined;
  private error: unknown;
  private failed = false;
  // Made when first needed: a pool's futures are many and short-lived.
  private callbacks: Bivariant<Future<T>>[] | undefined;
  private waiters: (() => void)[] | undefined;
  /** The promise every `result()` without a timeout shares, and how to settle it. */
  private promise: Promise<T> | undefined;
  /** @internal */
  resolveWith: Bivariant<T> | undefined;
  /** @internal */
  rejectWith: ((e: unknown) => void) | undefined;
  /** @internal The scheduler that made it, and where it keeps the call (its chunk). */
  owner: FutureOwner | undefined;
  /** @internal */
  slot: unknown;

  /**
   * Cancels the task if it has not started: true if the future is (now) cancelled,
   * false if it is running or done.
   *
   * @example
   * if (f.cancel()) console.log('never ran');
   */
  cancel(): boolean {
    if (this.state === 'cancelled') return true;
    if (this.state !== 'pending') return false;
    if (this.owner && !this.owner.withdraw(this.slot)) return false;
    this.state = 'cancelled';
    this.settle();
    return true;
  }

  /** True if cancelled. @example f.cancelled() */
  cancelled(): boolean {
    return this.state === 'cancelled';
  }

  /** True while the task runs. @example f.running() */
  running(): boolean {
    return this.state === 'running';
  }

  /** True once the task finished, failed or was cancelled. @example f.done() */
  done(): boolean {
    return this.state === 'cancelled' || this.state === 'finished';
  }

  /**
   * The task's result; rejects with its error, with CancelledError if it was cancelled,
   * or with TimeoutError if it is not done within `timeout` ms (the task goes on).
   *
   * @example
   * const v = await f.result({ timeout: 500 });
   */
  result(options?: { timeout?: number }): Promise<T> {
    if (options?.timeout !== undefined) return this.waitDone(options.timeout, 'result()').then(() => this.outcome());
    // The common case, no timeout, costs one promise shared by every waiter.
    if (this.done()) {
      try {
        return Promise.resolve(this.outcome());
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return (this.promise ??= settleable(this));
  }

  private outcome(): T {
    if (this.state === 'cancelled') throw new CancelledError('The task');
    if (this.failed) throw this.error;
    return this.value as T;
  }

  /**
   * The task's error, or `undefined` if it succeeded; like `result()` for timeouts and
   * cancellation.
   *
   * @example
   * const err = await f.exception();
   */
  async exception(options?: { timeout?: number }): Promise<unknown> {
    await this.waitDone(options?.timeout, 'exception()');
    if (this.state === 'cancelled') throw new CancelledError('The task');
    return this.failed ? this.error : undefined;
  }

  /**
   * Calls `cb(future)` once the future is done (at once if it already is). A callback
   * that throws is reported on stderr and does not stop the others.
   *
   * @example
   * f.addDoneCallback((done) => bar.tick());
   */
  addDoneCallback(cb: (f: Future<T>) => void): void {
    if (typeof cb !== 'function') throw new InvalidArgumentError(`Expected \`cb\` to be a function, got ${typeof cb}`);
    if (this.done()) this.call(cb);
    else (this.callbacks ??= []).push(cb);
  }

  /** This future, typed as one: for code holding the view `asCompleted` yields. @example names.get(f.future) */
  get future(): Future<T> {
    return this;
  }

  // Awaiting a future gives its result (or throws its error).
  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.result().then(onFulfilled, onRejected);
  }

  /** @internal Finished with an error (read synchronously, for `wait`). */
  get raised(): boolean {
    return this.state === 'finished' && this.failed;
  }

  /** @internal The task has started: it can no longer be cancelled. */
  setRunning(): boolean {
    if (this.state !== 'pending') return false;
    this.state = 'running';
    return true;
  }

  /** @internal */
  setResult(value: T): void {
    if (this.done()) return;
    this.value = value;
    this.state = 'finished';
    this.settle();
  }

  /** @internal */
  setException(error: unknown): void {
    if (this.done()) return;
    this.error = error;
    this.failed = true;
    this.state = 'finished';
    this.settle();
  }

  /** @internal Resolves when done, or after `timeout` ms (without settling). */
  whenDone(timeout?: number): Promise<boolean> {
    if (this.done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = timeout === undefined ? undefined : setTimeout(() => resolve(false), timeout);
      (this.waiters ??= []).push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private async waitDone(timeout: number | undefined, what: string): Promise<void> {
    const ms = checkTimeout(timeout);
    if (!(await this.whenDone(ms))) throw new TimeoutError(`Future.${what}`, ms!);
  }

  private settle(): void {
    if (this.promise) {
      if (this.state === 'cancelled') this.rejectWith!(new CancelledError('The task'));
      else if (this.failed) this.rejectWith!(this.error);
      else this.resolveWith!(this.value as T);
      this.resolveWith = this.rejectWith = undefined;
    }
    this.owner?.finished(this.slot);
    const waiters = this.waiters;
    const callbacks = this.callbacks;
    this.waiters = this.callbacks = undefined;
    if (waiters) for (const w of waiters) w();
    if (callbacks) for (const cb of callbacks) this.call(cb);
  }

  private call(cb: (f: Future<T>) => void): void {
    try {
      cb(this);
    } catch (err) {
      process.stderr.write(`ranks: a Future done-callback threw: ${(err as Error)?.stack ?? String(err)}\n`);
    }
  }
}
