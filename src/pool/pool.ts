import type { Communicator } from '../comm/communicator.ts';
import { stream } from './imap.ts';
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
  type StreamMapOptions,
  type TaskLike,
  type WorkerOptions,
} from './options.ts';
import type { Scheduler } from './scheduler.ts';
import { mapCalls } from './map.ts';
import { callCount, readCalls } from './packed-calls.ts';
import { makeBar } from './progress.ts';
import { toTask, type TaskArgs, type TaskResult } from './tasks.ts';

export type { CallOptions, CommWorkerOptions, MapOptions, StreamMapOptions, TaskLike, WorkerOptions } from './options.ts';
export type { ProgressOption, ProgressStream } from './progress.ts';

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
  private readonly chunksize: number | undefined;
  private readonly scheduler: Scheduler;

  constructor(options?: { size?: number; chunksize?: number } & WorkerOptions);
  /** @internal A pool over the other ranks of `comm`, whose rank 0 this is (see onComm). */
  constructor(options: ({ size?: number; chunksize?: number } & WorkerOptions) | undefined, comm: Communicator | undefined);
  constructor(options?: { size?: number; chunksize?: number } & WorkerOptions, comm?: Communicator) {
    this.size = comm ? comm.size - 1 : checkSize(options?.size, 'size');
    this.chunksize = checkCount(options?.chunksize, 'chunksize');
    this.scheduler = makeScheduler(this.size, options, comm);
  }

  /**
   * A pool over the ranks of `comm` (mpi4py.futures' MPICommExecutor), for a task farm
   * across an MPI job's nodes. Every rank calls it: the root (`root`, default 0) gets the
   * pool at once, with the other ranks as its workers; they run the initializer, serve
   * tasks until the root closes the pool, and then get `null`. On a communicator of one
   * rank the pool has worker threads instead (`size`, default: the cores).
   *
   * @example
   * const pool = await Pool.onComm(world());
   * if (pool) {
   *   console.log(await pool.map(math.square, [1, 2, 3]));
   *   await pool.close();
   * }
   */
  static async onComm(comm: Communicator, options?: { size?: number; chunksize?: number } & CommWorkerOptions): Promise<Pool | null> {
    const joined = await joinPool(comm, options);
    return joined && new Pool(joined.options, joined.comm);
  }

  /**
   * `fn` applied to every item, results in order. With `signal` or `timeout`, the calls
   * not finished by then are dropped or stopped, and the promise rejects. Like every
   * submit, throws at the call on a closed pool (InvalidStateError) or a broken one.
   *
   * @example
   * await pool.map((x: number) => x * x, [1, 2, 3]); // [1, 4, 9]
   */
  map<F extends TaskLike>(fn: F, items: Iterable<TaskArgs<F>[0]>, options?: MapOptions): Promise<TaskResult<F>[]> {
    checkIterable(items, 'items');
    return this.run<TaskResult<F>>(fn, items, false, options);
  }

  /**
   * `fn(...args)` for every argument list, results in order.
   *
   * @example
   * await pool.starmap(math.add, [[1, 2], [3, 4]]); // [3, 7]
   */
  starmap<F extends TaskLike>(fn: F, argLists: Iterable<TaskArgs<F>>, options?: MapOptions): Promise<TaskResult<F>[]> {
    checkIterable(argLists, 'argLists');
    return this.run<TaskResult<F>>(fn, argLists, true, options);
  }

  /**
   * Results of `fn` over `items` in input order, as an async iterable. The input may be an
   * async or endless iterable: at most `readAhead` items are read ahead of the consumer.
   *
   * @example
   * for await (const y of pool.imap(math.square, naturals(), { chunksize: 16 })) if (y > 100) break;
   */
  imap<F extends TaskLike>(
    fn: F,
    items: Iterable<TaskArgs<F>[0]> | AsyncIterable<TaskArgs<F>[0]>,
    options?: StreamMapOptions,
  ): AsyncGenerator<TaskResult<F>, void, undefined> {
    checkIterable(items, 'items', true);
    return this.stream<TaskResult<F>>(fn, items, false, true, options);
  }

  /**
   * Like `imap`, but each result as soon as it is ready.
   *
   * @example
   * for await (const page of pool.imapUnordered(fetchPage, urls)) console.log(page.length);
   */
  imapUnordered<F extends TaskLike>(
    fn: F,
    items: Iterable<TaskArgs<F>[0]> | AsyncIterable<TaskArgs<F>[0]>,
    options?: StreamMapOptions,
  ): AsyncGenerator<TaskResult<F>, void, undefined> {
    checkIterable(items, 'items', true);
    return this.stream<TaskResult<F>>(fn, items, false, false, options);
  }

  /**
   * One call of `fn` in a worker.
   *
   * @example
   * await pool.apply(math.add, [1, 2], { timeout: 1000 }); // 3
   */
  apply<F extends TaskLike>(fn: F, args: TaskArgs<F>, options?: CallOptions): Promise<TaskResult<F>> {
    const task = toTask(fn);
    return this.scheduler.submit<TaskResult<F>>(task, [[...(args as unknown[])]], 1, stopOf(options))[0]!.result();
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

  /**
   * Like Python's Pool.map, everything is checked at the call, and the input read whole
   * before any call is submitted: bad arguments, a closed pool or an input that throws
   * throw there, and then no call has run.
   */
  private run<R>(fn: TaskLike, items: Iterable<unknown>, spread: boolean, options: MapOptions | undefined): Promise<R[]> {
    this.scheduler.checkOpen();
    const task = toTask(fn);
    const stop = stopOf(options);
    const chunksize = checkCount(options?.chunksize, 'chunksize');
    const calls = readCalls(items, spread, spread ? argsOf : (x) => [x]);
    const count = callCount(calls);
    // Like multiprocessing: about four chunks per worker unless told otherwise.
    const size = chunksize ?? this.chunksize ?? Math.max(1, Math.ceil(count / (4 * this.size)));
    const bar = makeBar(options?.progress, 'ranks map');
    if (count === 0) return Promise.resolve([]);
    return mapCalls<R>(this.scheduler, task, calls, size, stop, bar);
  }

  private stream<R>(
    fn: TaskLike,
    items: Iterable<unknown> | AsyncIterable<unknown>,
    spread: boolean,
    ordered: boolean,
    options: StreamMapOptions | undefined,
  ): AsyncGenerator<R, void, undefined> {
    this.scheduler.checkOpen();
    const task = toTask(fn);
    const chunksize = checkCount(options?.chunksize, 'chunksize') ?? this.chunksize ?? 1;
    const window = checkCount(options?.readAhead, 'readAhead') ?? 4 * this.size * chunksize;
    const stop = stopOf(options);
    const bar = makeBar(options?.progress, ordered ? 'ranks imap' : 'ranks imapUnordered');
    return stream<R>(this.scheduler, task, items, spread, { chunksize, window: Math.max(window, chunksize), ordered, stop, bar });
  }
}

/** One item of starmap's input as its own argument list (a copy: the input may change after the call). */
function argsOf(a: unknown, i: number): unknown[] {
  checkIterable(a, `argLists[${i}]`);
  return Array.isArray(a) ? a.slice() : [...(a as Iterable<unknown>)];
}
