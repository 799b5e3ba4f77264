import { CancelledError, InvalidArgumentError, TimeoutError } from '../errors.ts';
import { checkTimeout } from '../comm/validate.ts';
import { settleable } from '../promise.ts';

type State = 'pending' | 'running' | 'cancelled' | 'finished';

/**
 * @internal What a scheduler hears from the futures it made: one object per scheduler
 * instead of closures per future (an executor may hold tens of thousands of them).
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
  private callbacks: ((f: Future<T>) => void)[] | undefined;
  private waiters: (() => void)[] | undefined;
  /** The promise every `result()` without a timeout shares, and how to settle it. */
  private promise: Promise<T> | undefined;
  /** @internal */
  resolveWith: ((v: T) => void) | undefined;
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
  then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
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

/** When `wait` returns. */
export type ReturnWhen = 'FIRST_COMPLETED' | 'FIRST_EXCEPTION' | 'ALL_COMPLETED';

function checkFutures(fs: unknown): Future[] {
  const list = Array.isArray(fs) ? fs : fs && typeof (fs as Iterable<unknown>)[Symbol.iterator] === 'function' ? [...(fs as Iterable<unknown>)] : undefined;
  if (!list || !list.every((f) => f instanceof Future)) throw new InvalidArgumentError('Expected `fs` to be an array or iterable of Futures');
  return [...new Set(list as Future[])];
}


/**
 * Waits until `returnWhen` holds for `fs` (default ALL_COMPLETED) or `timeout` ms pass,
 * and splits them into `done` and `notDone`. Never rejects on a timeout.
 *
 * @example
 * const { done, notDone } = await wait(futures, { returnWhen: 'FIRST_COMPLETED', timeout: 1000 });
 */
export async function wait<T>(fs: Iterable<Future<T>>, options?: { returnWhen?: ReturnWhen; timeout?: number }): Promise<{ done: Set<Future<T>>; notDone: Set<Future<T>> }> {
  const list = checkFutures(fs) as Future<T>[];
  const when = options?.returnWhen ?? 'ALL_COMPLETED';
  if (!['FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED'].includes(when)) throw new InvalidArgumentError(`Expected \`returnWhen\` to be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got ${String(when)}`);
  const timeout = checkTimeout(options?.timeout);
  const satisfied = (): boolean => {
    const done = list.filter((f) => f.done());
    if (when === 'FIRST_COMPLETED') return done.length > 0 || list.length === 0;
    if (when === 'FIRST_EXCEPTION' && done.some((f) => f.raised)) return true;
    return done.length === list.length;
  };
  if (!satisfied()) {
    await new Promise<void>((resolve) => {
      const timer = timeout === undefined ? undefined : setTimeout(finish, timeout);
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
      for (const f of list) f.addDoneCallback(() => satisfied() && finish());
    });
  }
  const done = new Set(list.filter((f) => f.done()));
  return { done, notDone: new Set(list.filter((f) => !done.has(f))) };
}

/**
 * A Future as `asCompleted` hands it out: every method, but typed without `then`, because
 * TypeScript would otherwise type a `for await` variable as the future's result. `.future`
 * is the same object as a `Future` (for Map lookups and `await`).
 */
export type Completed<T> = Omit<Future<T>, 'then'>;

/**
 * Yields the futures themselves as they complete (already-done ones first). If `timeout`
 * ms pass before all are done, the iteration throws TimeoutError.
 *
 * @example
 * for await (const f of asCompleted(futures, { timeout: 10_000 })) console.log(names.get(f.future), await f.exception());
 */
export function asCompleted<T>(fs: Iterable<Future<T>>, options?: { timeout?: number }): AsyncIterableIterator<Completed<T>> {
  const list = checkFutures(fs) as Future<T>[];
  const timeout = checkTimeout(options?.timeout);
  const deadline = timeout === undefined ? undefined : performance.now() + timeout;
  const ready: Future<T>[] = [];
  let wake: (() => void) | undefined;
  let yielded = 0;
  for (const f of list) {
    f.addDoneCallback(() => {
      ready.push(f);
      wake?.();
    });
  }
  // A hand-written iterator: an async generator would await each yielded Future and
  // hand out its result instead of the Future itself.
  const it: AsyncIterableIterator<Future<T>> = {
    async next(): Promise<IteratorResult<Future<T>>> {
      if (yielded >= list.length) return { value: undefined, done: true };
      while (ready.length === 0) {
        const left = deadline === undefined ? undefined : deadline - performance.now();
        if (left !== undefined && left <= 0) {
          const missing = list.length - yielded;
          yielded = list.length;
          throw new TimeoutError(`asCompleted: ${missing} of ${list.length} futures`, timeout!);
        }
        await new Promise<void>((resolve) => {
          const timer = left === undefined ? undefined : setTimeout(resolve, left);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
      yielded++;
      return { value: ready.shift()!, done: false };
    },
    async return(): Promise<IteratorResult<Future<T>>> {
      yielded = list.length;
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}
