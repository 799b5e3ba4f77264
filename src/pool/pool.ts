import { availableParallelism } from 'node:os';
import { ArgumentRangeError } from '../errors.ts';
import { Future } from './future.ts';
import { Scheduler } from './scheduler.ts';
import { toTask, type Task, type TaskArgs, type TaskResult } from './tasks.ts';

type Fn = (...args: never[]) => unknown;
/** A task reference from `tasks()`, or a self-contained inline function. */
export type TaskLike = Task<never[], unknown> | Fn;

function checkSize(size: unknown, name: string): number {
  if (size === undefined) return availableParallelism();
  if (Number.isInteger(size) && (size as number) >= 1) return size as number;
  throw new ArgumentRangeError(`Expected \`${name}\` to be an integer >= 1, got ${String(size)}`);
}

function checkChunksize(chunksize: unknown, fallback: number): number {
  if (chunksize === undefined) return fallback;
  if (Number.isInteger(chunksize) && (chunksize as number) >= 1) return chunksize as number;
  throw new ArgumentRangeError(`Expected \`chunksize\` to be an integer >= 1, got ${String(chunksize)}`);
}

/**
 * A pool of worker threads (multiprocessing.Pool): a world whose rank 0, this thread,
 * schedules calls to the workers over shared-memory rings.
 *
 * @example
 * const math = tasks<typeof import('./math.ts')>(new URL('./math.ts', import.meta.url));
 * await using pool = new Pool({ size: 4 });
 * console.log(await pool.map(math.square, [1, 2, 3])); // [1, 4, 9]
 */
export class Pool implements AsyncDisposable {
  /** Number of workers. */
  readonly size: number;
  private readonly chunksize: number;
  private readonly scheduler: Scheduler;

  constructor(options?: { size?: number; chunksize?: number }) {
    this.size = checkSize(options?.size, 'size');
    this.chunksize = checkChunksize(options?.chunksize, 1);
    this.scheduler = new Scheduler(this.size);
  }

  /**
   * `fn` applied to every item, results in order.
   *
   * @example
   * await pool.map((x: number) => x * x, [1, 2, 3]); // [1, 4, 9]
   */
  map<F extends TaskLike>(fn: F, items: Iterable<TaskArgs<F>[0]>, options?: { chunksize?: number }): Promise<TaskResult<F>[]> {
    return this.run<TaskResult<F>>(fn, Array.from(items, (x) => [x]), options?.chunksize);
  }

  /**
   * `fn(...args)` for every argument list, results in order.
   *
   * @example
   * await pool.starmap(math.add, [[1, 2], [3, 4]]); // [3, 7]
   */
  starmap<F extends TaskLike>(fn: F, argLists: Iterable<TaskArgs<F>>, options?: { chunksize?: number }): Promise<TaskResult<F>[]> {
    return this.run<TaskResult<F>>(fn, Array.from(argLists, (a) => [...(a as unknown[])]), options?.chunksize);
  }

  /**
   * One call of `fn` in a worker.
   *
   * @example
   * await pool.apply(math.add, [1, 2]); // 3
   */
  apply<F extends TaskLike>(fn: F, args: TaskArgs<F>): Promise<TaskResult<F>> {
    const task = toTask(fn);
    return this.scheduler.submit<TaskResult<F>>(task, [[...(args as unknown[])]])[0]!.result();
  }

  /** No more tasks; resolves when the queued ones are done and the workers have ended. @example await pool.close(); */
  close(): Promise<void> {
    return this.scheduler.close();
  }

  /** Waits for the workers to end after `close()`. @example pool.close(); await pool.join(); */
  join(): Promise<void> {
    return this.scheduler.close();
  }

  /** Ends the workers now; pending tasks reject with BrokenPoolError. @example await pool.terminate(); */
  terminate(): Promise<void> {
    return this.scheduler.terminate();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  private async run<R>(fn: TaskLike, calls: unknown[][], chunksize: number | undefined): Promise<R[]> {
    const task = toTask(fn);
    const size = checkChunksize(chunksize, this.chunksize);
    if (calls.length === 0) return [];
    const futures = this.scheduler.submit<R>(task, calls, size);
    return Promise.all(futures.map((f) => f.result()));
  }
}

/**
 * concurrent.futures' executor: `submit` gives a Future per call.
 *
 * @example
 * await using ex = new Executor({ maxWorkers: 2 });
 * const f = ex.submit(math.square, 7);
 * console.log(await f); // 49
 */
export class Executor implements AsyncDisposable {
  readonly maxWorkers: number;
  private readonly scheduler: Scheduler;
  private readonly pending = new Set<Future>();

  constructor(options?: { maxWorkers?: number }) {
    this.maxWorkers = checkSize(options?.maxWorkers, 'maxWorkers');
    this.scheduler = new Scheduler(this.maxWorkers);
  }

  /**
   * Schedules `fn(...args)`; returns its Future at once.
   *
   * @example
   * const f = ex.submit((a: number, b: number) => a + b, 1, 2);
   */
  submit<F extends TaskLike>(fn: F, ...args: TaskArgs<F>): Future<TaskResult<F>> {
    const f = this.scheduler.submit<TaskResult<F>>(toTask(fn), [[...(args as unknown[])]])[0]!;
    const any = f as unknown as Future;
    this.pending.add(any);
    f.addDoneCallback(() => this.pending.delete(any));
    return f;
  }

  /**
   * `fn` over `items`, results in order; rejects with the first error, or with
   * TimeoutError when `timeout` ms pass first.
   *
   * @example
   * await ex.map(math.square, [1, 2, 3], { chunksize: 2 });
   */
  async map<F extends TaskLike>(fn: F, items: Iterable<TaskArgs<F>[0]>, options?: { timeout?: number; chunksize?: number }): Promise<TaskResult<F>[]> {
    const calls = Array.from(items, (x) => [x]);
    if (calls.length === 0) return [];
    const futures = this.scheduler.submit<TaskResult<F>>(toTask(fn), calls, checkChunksize(options?.chunksize, 1));
    const deadline = options?.timeout === undefined ? undefined : performance.now() + options.timeout;
    const out: TaskResult<F>[] = [];
    for (const f of futures) out.push(await f.result(deadline === undefined ? undefined : { timeout: Math.max(0, deadline - performance.now()) }));
    return out;
  }

  /**
   * Stops taking tasks. With `cancelFutures`, queued tasks are cancelled; with `wait`
   * (default), resolves once running tasks finish and the workers end.
   *
   * @example
   * await ex.shutdown({ wait: true, cancelFutures: false });
   */
  async shutdown(options?: { wait?: boolean; cancelFutures?: boolean }): Promise<void> {
    if (options?.cancelFutures) for (const f of this.pending) f.cancel();
    const closing = this.scheduler.close();
    if (options?.wait ?? true) await closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
