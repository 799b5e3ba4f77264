import type { Communicator } from '../comm/communicator.ts';
import type { Future } from './future.ts';
import {
  checkCount,
  checkIterable,
  checkSize,
  joinPool,
  makeScheduler,
  stopOf,
  type CallOptions,
  type CommWorkerOptions,
  type MapOptions,
  type TaskLike,
  type WorkerOptions,
} from './options.ts';
import type { Scheduler } from './scheduler.ts';
import { mapCalls } from './map.ts';
import { callCount, readCalls } from './packed-calls.ts';
import { makeBar } from './progress.ts';
import { toTask, type TaskArgs, type TaskResult } from './tasks.ts';

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

  constructor(options?: { maxWorkers?: number } & WorkerOptions);
  /** @internal An executor over the other ranks of `comm`, whose rank 0 this is (see onComm). */
  constructor(options: ({ maxWorkers?: number } & WorkerOptions) | undefined, comm: Communicator | undefined);
  constructor(options?: { maxWorkers?: number } & WorkerOptions, comm?: Communicator) {
    this.maxWorkers = comm ? comm.size - 1 : checkSize(options?.maxWorkers, 'maxWorkers');
    this.scheduler = makeScheduler(this.maxWorkers, options, comm);
  }

  /**
   * An executor over the ranks of `comm` (mpi4py.futures' MPICommExecutor); see
   * `Pool.onComm`. Every rank calls it; the root gets the executor, the others serve until
   * it shuts down, then get `null`.
   *
   * @example
   * const ex = await Executor.onComm(world(), { root: 0 });
   * if (ex) {
   *   const f = ex.submit(math.square, 7);
   *   console.log(await f); // 49
   *   await ex.shutdown();
   * }
   */
  static async onComm(comm: Communicator, options?: { maxWorkers?: number } & CommWorkerOptions): Promise<Executor | null> {
    const joined = await joinPool(comm, options);
    return joined && new Executor(joined.options, joined.comm);
  }

  /**
   * Schedules `fn(...args)`; returns its Future at once. Throws InvalidStateError
   * (ERR_INVALID_STATE) after shutdown() or terminate(), BrokenPoolError once a worker died.
   *
   * @example
   * const f = ex.submit((a: number, b: number) => a + b, 1, 2);
   */
  submit<F extends TaskLike>(fn: F, ...args: TaskArgs<F>): Future<TaskResult<F>> {
    // The rest array is this call's own: it goes as it is.
    return this.scheduler.submit<TaskResult<F>>(toTask(fn), [args as unknown[]])[0]!;
  }

  /**
   * `submit` with an argument list and options: `signal` and `timeout` drop the call if it
   * is queued, or stop it by ending its worker (which is replaced) if it runs.
   *
   * @example
   * const f = ex.submitWith(math.slow, [5_000], { timeout: 100 }); // rejects with TimeoutError
   */
  submitWith<F extends TaskLike>(fn: F, args: TaskArgs<F>, options?: CallOptions): Future<TaskResult<F>> {
    return this.scheduler.submit<TaskResult<F>>(toTask(fn), [[...(args as unknown[])]], 1, stopOf(options))[0]!;
  }

  /**
   * `fn` over `items`, results in order; rejects with the first error, or with
   * TimeoutError when `timeout` ms pass first (the calls still queued or running are
   * then dropped or stopped).
   *
   * @example
   * await ex.map(math.square, [1, 2, 3], { chunksize: 2 });
   */
  map<F extends TaskLike>(fn: F, items: Iterable<TaskArgs<F>[0]>, options?: MapOptions): Promise<TaskResult<F>[]> {
    // Like Python's: checked at the call, and the input read whole before any call is
    // submitted, so an input that throws throws here and no call has run.
    this.scheduler.checkOpen();
    checkIterable(items, 'items');
    const task = toTask(fn);
    const stop = stopOf(options);
    const chunksize = checkCount(options?.chunksize, 'chunksize') ?? 1;
    const calls = readCalls(items, false, (x) => [x]);
    const bar = makeBar(options?.progress, 'ranks map');
    if (callCount(calls) === 0) return Promise.resolve([]);
    return mapCalls<TaskResult<F>>(this.scheduler, task, calls, chunksize, stop, bar);
  }

  /**
   * Stops taking tasks. With `cancelFutures`, queued tasks are cancelled; with `wait`
   * (default), resolves once running tasks finish and the workers end.
   *
   * @example
   * await ex.shutdown({ wait: true, cancelFutures: false });
   */
  async shutdown(options?: { wait?: boolean; cancelFutures?: boolean }): Promise<void> {
    if (options?.cancelFutures) this.scheduler.cancelPending();
    const closing = this.scheduler.close();
    if (options?.wait ?? true) await closing;
  }

  /**
   * Ends the workers now (like Pool.terminate): calls still queued or running reject with
   * BrokenPoolError (code ERR_BROKEN_POOL).
   *
   * @example
   * await ex.terminate();
   */
  terminate(): Promise<void> {
    return this.scheduler.terminate();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}
