import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import type { Communicator } from '../comm/communicator.ts';
import { ArgumentRangeError } from '../errors.ts';
import { joinCommPool, type CommPoolOptions } from './comm-host.ts';
import { InvalidArgumentError } from '../errors.ts';
import { Future } from './future.ts';
import { stream } from './imap.ts';
import { Scheduler, type StopOptions } from './scheduler.ts';
import { toTask, type Task, type TaskArgs, type TaskResult } from './tasks.ts';

type Fn = (...args: never[]) => unknown;
/** A task reference from `tasks()`, or a self-contained inline function. */
export type TaskLike = Task<never[], unknown> | Fn;

function checkSize(size: unknown, name: string): number {
  if (size === undefined) return availableParallelism();
  if (Number.isInteger(size) && (size as number) >= 1) return size as number;
  throw new ArgumentRangeError(`Expected \`${name}\` to be an integer >= 1, got ${String(size)}`);
}

function checkCount(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (Number.isInteger(value) && (value as number) >= 1) return value as number;
  throw new ArgumentRangeError(`Expected \`${name}\` to be an integer >= 1, got ${String(value)}`);
}

/** What every call takes to stop its tasks early (see StopOptions). */
export type CallOptions = StopOptions;
/** Options of `map`, `starmap`, `imap`, `imapUnordered`. */
export interface MapOptions extends CallOptions {
  /** Calls sent to a worker at once (>= 1). map's default splits the input in about 4 chunks per worker, imap's is 1. */
  chunksize?: number;
}
/** Options of `imap` and `imapUnordered`. */
export interface StreamMapOptions extends MapOptions {
  /** Input items read ahead of the results consumed, at most (default 4 × size × chunksize). */
  readAhead?: number;
}

/** Options shared by Pool and Executor. */
export interface WorkerOptions {
  /** Calls a worker runs before it is replaced by a fresh one (default: no limit). */
  maxTasksPerWorker?: number;
  /** Runs once in each worker before its first task; if it throws, the pool is broken. */
  initializer?: TaskLike;
  initArgs?: unknown[];
  /**
   * `'thread'` (default): workers are threads of this process, sharing memory (Lock, Queue,
   * Value... can be task arguments). `'process'`: workers are child processes over Unix
   * sockets: a crash, a kill or an out-of-memory takes only its worker down (the pool is
   * broken, this process lives on), at the cost of slower start-up and task round trips;
   * shared primitives are refused as arguments (ERR_DATA_CLONE).
   */
  isolation?: 'thread' | 'process';
  /** Called after every call settles, with the calls settled and submitted so far. */
  onProgress?: (done: number, total: number) => void;
  /** Heap and stack limits of each worker (node:worker_threads; node's --max-old-space-size and friends for processes): a worker over them dies, and the pool is broken. */
  resourceLimits?: ResourceLimits;
}

/** The private communicator a pool over ranks schedules on (see Pool.onComm); never set by users. */
const COMM = Symbol('ranks.pool.comm');
type Internal = { [COMM]?: Communicator };

/** Options of a pool over the ranks of a communicator: its workers are ranks it neither starts nor ends. */
export type CommWorkerOptions = Omit<WorkerOptions, 'maxTasksPerWorker' | 'isolation' | 'resourceLimits'> & CommPoolOptions;

function makeScheduler(size: number, options: (WorkerOptions & Internal) | undefined): Scheduler {
  const isolation = options?.isolation ?? 'thread';
  if (isolation !== 'thread' && isolation !== 'process') throw new InvalidArgumentError(`Expected \`isolation\` to be 'thread' or 'process', got ${String(isolation)}`);
  if (options?.onProgress !== undefined && typeof options.onProgress !== 'function') throw new InvalidArgumentError('Expected `onProgress` to be a function');
  if (options?.initArgs !== undefined && !Array.isArray(options.initArgs)) throw new InvalidArgumentError('Expected `initArgs` to be an array');
  return new Scheduler({
    size,
    maxTasksPerWorker: checkCount(options?.maxTasksPerWorker, 'maxTasksPerWorker'),
    initializer: options?.initializer === undefined ? undefined : toTask(options.initializer),
    initArgs: options?.initArgs,
    onProgress: options?.onProgress,
    resourceLimits: options?.resourceLimits,
    isolation,
    comm: options?.[COMM],
  });
}

/** Joins the pool over `comm`'s ranks: the root's private communicator, or null on a rank that served; `local` on a one-rank communicator. */
async function joinPool(comm: Communicator, options: CommWorkerOptions | undefined): Promise<Communicator | 'local' | null> {
  const own = await joinCommPool(comm, options ?? {});
  return own && own.size === 1 ? 'local' : own;
}

function stopOf(options: CallOptions | undefined): StopOptions | undefined {
  if (options?.timeout !== undefined && !(typeof options.timeout === 'number' && options.timeout >= 0)) throw new ArgumentRangeError(`Expected \`timeout\` to be a number >= 0, got ${String(options.timeout)}`);
  return options?.signal || options?.timeout !== undefined ? { signal: options.signal, timeout: options.timeout } : undefined;
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
  private readonly chunksize: number | undefined;
  private readonly scheduler: Scheduler;

  constructor(options?: { size?: number; chunksize?: number } & WorkerOptions) {
    const comm = (options as Internal | undefined)?.[COMM];
    this.size = comm ? comm.size - 1 : checkSize(options?.size, 'size');
    this.chunksize = checkCount(options?.chunksize, 'chunksize');
    this.scheduler = makeScheduler(this.size, options);
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
    const own = await joinPool(comm, options);
    if (own === null) return null;
    const { root: _, ...rest } = options ?? {};
    return new Pool(own === 'local' ? rest : { ...rest, [COMM]: own } as WorkerOptions);
  }

  /**
   * `fn` applied to every item, results in order. With `signal` or `timeout`, the calls
   * not finished by then are dropped or stopped, and the promise rejects.
   *
   * @example
   * await pool.map((x: number) => x * x, [1, 2, 3]); // [1, 4, 9]
   */
  map<F extends TaskLike>(fn: F, items: Iterable<TaskArgs<F>[0]>, options?: MapOptions): Promise<TaskResult<F>[]> {
    return this.run<TaskResult<F>>(fn, Array.from(items, (x) => [x]), options);
  }

  /**
   * `fn(...args)` for every argument list, results in order.
   *
   * @example
   * await pool.starmap(math.add, [[1, 2], [3, 4]]); // [3, 7]
   */
  starmap<F extends TaskLike>(fn: F, argLists: Iterable<TaskArgs<F>>, options?: MapOptions): Promise<TaskResult<F>[]> {
    return this.run<TaskResult<F>>(fn, Array.from(argLists, (a) => [...(a as unknown[])]), options);
  }

  /**
   * Results of `fn` over `items` in input order, as an async iterable. The input may be an
   * async or endless iterable: at most `readAhead` items are read ahead of the consumer.
   *
   * @example
   * for await (const y of pool.imap(math.square, naturals(), { chunksize: 16 })) if (y > 100) break;
   */
  imap<F extends TaskLike>(fn: F, items: Iterable<TaskArgs<F>[0]> | AsyncIterable<TaskArgs<F>[0]>, options?: StreamMapOptions): AsyncGenerator<TaskResult<F>, void, undefined> {
    return this.stream<TaskResult<F>>(fn, items, false, true, options);
  }

  /**
   * Like `imap`, but each result as soon as it is ready.
   *
   * @example
   * for await (const page of pool.imapUnordered(fetchPage, urls)) console.log(page.length);
   */
  imapUnordered<F extends TaskLike>(fn: F, items: Iterable<TaskArgs<F>[0]> | AsyncIterable<TaskArgs<F>[0]>, options?: StreamMapOptions): AsyncGenerator<TaskResult<F>, void, undefined> {
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

  private async run<R>(fn: TaskLike, calls: unknown[][], options: MapOptions | undefined): Promise<R[]> {
    const task = toTask(fn);
    const stop = stopOf(options);
    // Like multiprocessing: about four chunks per worker unless told otherwise.
    const size = checkCount(options?.chunksize, 'chunksize') ?? this.chunksize ?? Math.max(1, Math.ceil(calls.length / (4 * this.size)));
    if (calls.length === 0) return [];
    const futures = this.scheduler.submit<R>(task, calls, size, stop);
    return Promise.all(futures.map((f) => f.result()));
  }

  private stream<R>(fn: TaskLike, items: Iterable<unknown> | AsyncIterable<unknown>, spread: boolean, ordered: boolean, options: StreamMapOptions | undefined): AsyncGenerator<R, void, undefined> {
    const task = toTask(fn);
    const chunksize = checkCount(options?.chunksize, 'chunksize') ?? this.chunksize ?? 1;
    const window = checkCount(options?.readAhead, 'readAhead') ?? 4 * this.size * chunksize;
    return stream<R>(this.scheduler, task, items, spread, { chunksize, window: Math.max(window, chunksize), ordered, stop: stopOf(options) });
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

  constructor(options?: { maxWorkers?: number } & WorkerOptions) {
    const comm = (options as Internal | undefined)?.[COMM];
    this.maxWorkers = comm ? comm.size - 1 : checkSize(options?.maxWorkers, 'maxWorkers');
    this.scheduler = makeScheduler(this.maxWorkers, options);
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
    const own = await joinPool(comm, options);
    if (own === null) return null;
    const { root: _, ...rest } = options ?? {};
    return new Executor(own === 'local' ? rest : { ...rest, [COMM]: own } as WorkerOptions);
  }

  /**
   * Schedules `fn(...args)`; returns its Future at once.
   *
   * @example
   * const f = ex.submit((a: number, b: number) => a + b, 1, 2);
   */
  submit<F extends TaskLike>(fn: F, ...args: TaskArgs<F>): Future<TaskResult<F>> {
    return this.submitWith(fn, args);
  }

  /**
   * `submit` with an argument list and options: `signal` and `timeout` drop the call if it
   * is queued, or stop it by ending its worker (which is replaced) if it runs.
   *
   * @example
   * const f = ex.submitWith(math.slow, [5_000], { timeout: 100 }); // rejects with TimeoutError
   */
  submitWith<F extends TaskLike>(fn: F, args: TaskArgs<F>, options?: CallOptions): Future<TaskResult<F>> {
    const f = this.scheduler.submit<TaskResult<F>>(toTask(fn), [[...(args as unknown[])]], 1, stopOf(options))[0]!;
    const any = f as unknown as Future;
    this.pending.add(any);
    f.addDoneCallback(() => this.pending.delete(any));
    return f;
  }

  /**
   * `fn` over `items`, results in order; rejects with the first error, or with
   * TimeoutError when `timeout` ms pass first (the calls still queued or running are
   * then dropped or stopped).
   *
   * @example
   * await ex.map(math.square, [1, 2, 3], { chunksize: 2 });
   */
  async map<F extends TaskLike>(fn: F, items: Iterable<TaskArgs<F>[0]>, options?: MapOptions): Promise<TaskResult<F>[]> {
    const calls = Array.from(items, (x) => [x]);
    const task = toTask(fn);
    const stop = stopOf(options);
    const chunksize = checkCount(options?.chunksize, 'chunksize') ?? 1;
    if (calls.length === 0) return [];
    const futures = this.scheduler.submit<TaskResult<F>>(task, calls, chunksize, stop);
    return Promise.all(futures.map((f) => f.result()));
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
