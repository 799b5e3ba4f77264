// Waiting on many futures at once: concurrent.futures' wait() and as_completed().
import { InvalidArgumentError, TimeoutError } from '../errors.ts';
import { checkTimeout } from '../comm/validate.ts';
import { Future } from './future.ts';

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
export async function wait<F extends Future<unknown>>(
  fs: Iterable<F>,
  options?: { returnWhen?: ReturnWhen; timeout?: number },
): Promise<{ done: Set<F>; notDone: Set<F> }> {
  const list = checkFutures(fs) as F[];
  const when = options?.returnWhen ?? 'ALL_COMPLETED';
  if (!['FIRST_COMPLETED', 'FIRST_EXCEPTION', 'ALL_COMPLETED'].includes(when))
    throw new InvalidArgumentError(`Expected \`returnWhen\` to be FIRST_COMPLETED, FIRST_EXCEPTION or ALL_COMPLETED, got ${String(when)}`);
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

/** The `Completed` view of each kind of future in `F` (a union of futures of different result types). */
export type CompletedOf<F> = F extends Future<infer T> ? Completed<T> : never;

/**
 * Yields the futures themselves as they complete (already-done ones first). If `timeout`
 * ms pass before all are done, the iteration throws TimeoutError.
 *
 * @example
 * for await (const f of asCompleted(futures, { timeout: 10_000 })) console.log(names.get(f.future), await f.exception());
 */
export function asCompleted<F extends Future<unknown>>(fs: Iterable<F>, options?: { timeout?: number }): AsyncIterableIterator<CompletedOf<F>> {
  const list = checkFutures(fs) as F[];
  const timeout = checkTimeout(options?.timeout);
  const deadline = timeout === undefined ? undefined : performance.now() + timeout;
  const ready: F[] = [];
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
  const it: AsyncIterableIterator<F> = {
    async next(): Promise<IteratorResult<F>> {
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
    return(): Promise<IteratorResult<F>> {
      yielded = list.length;
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it as unknown as AsyncIterableIterator<CompletedOf<F>>;
}
