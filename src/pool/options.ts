// What Pool and Executor share: their options, checked, and the scheduler they make.
import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import type { Communicator } from '../comm/communicator.ts';
import { checkArray, checkBoolean, checkFunction, checkInteger, checkOneOf, checkSignal, checkTimeout, expected } from '../validate.ts';
import { joinCommPool, type CommPoolOptions } from './comm-host.ts';
import type { Scheduler, StopOptions } from './scheduler.ts';
import { startScheduler } from './world.ts';
import { poolBar, type ProgressOption } from './progress.ts';
import { toTask, type Task } from './tasks.ts';

type Fn = (...args: never[]) => unknown;
/** A task reference from `tasks()`, or a self-contained inline function. */
export type TaskLike = Task<never[], unknown> | Fn;

/** A pool's size option: an integer >= 1, or the number of cores when undefined. */
export function checkSize(size: unknown, name: string): number {
  return size === undefined ? availableParallelism() : checkInteger(name, size, { min: 1 });
}

/** An optional count (`chunksize`, `maxTasksPerWorker`, ...): undefined, or an integer >= 1. */
export function checkCount(value: unknown, name: string): number | undefined {
  return value === undefined ? undefined : checkInteger(name, value, { min: 1 });
}

/**
 * Throws InvalidArgumentError (code ERR_INVALID_ARG) unless `items` is an iterable (or,
 * with `orAsync`, an async iterable): `pool.map(task, 42)` must not resolve `[]`.
 */
export function checkIterable(items: unknown, name: string, orAsync = false): void {
  const has = (key: symbol): boolean => typeof (items as Record<symbol, unknown> | null | undefined)?.[key] === 'function';
  if (items !== null && items !== undefined && (has(Symbol.iterator) || (orAsync && has(Symbol.asyncIterator)))) return;
  expected(name, orAsync ? 'an iterable or an async iterable' : 'an iterable', items, false);
}

/** What every call takes to stop its tasks early (see StopOptions). */
export type CallOptions = StopOptions;
/** Options of `map`, `starmap`, `imap`, `imapUnordered`. */
export interface MapOptions extends CallOptions {
  /** Calls sent to a worker at once (>= 1). map's default splits the input in about 4 chunks per worker, imap's is 1. */
  chunksize?: number;
  /** A progress bar of this call's items, on stderr when it is a terminal (see WorkerOptions.progress). */
  progress?: ProgressOption;
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
  /**
   * A progress bar of every call the pool runs, on stderr when stderr is a terminal
   * (nothing otherwise); `{ stream }` draws it on another terminal stream. It shows while
   * calls are pending and stops whenever the pool is idle. Default: none.
   */
  progress?: ProgressOption;
  /**
   * `true`: under `mpiexec -n 1` the workers are spawned through MPI (MPI_Comm_spawn, as
   * mpi4py.futures' MPIPoolExecutor does) and may run on other nodes; elsewhere the pool
   * starts its workers here as usual (the option is accepted and changes nothing).
   */
  spawn?: boolean;
  /** Heap and stack limits of each worker (node:worker_threads; node's --max-old-space-size and friends for processes): a worker over them dies, and the pool is broken. */
  resourceLimits?: ResourceLimits;
  /**
   * Write the pool's trace to this file when it closes or is terminated (Chrome
   * trace-event JSON, as `ranks run --trace`): a lane for the pool's scheduler and one per
   * worker, a span per task and per message. Not for a pool over a communicator's ranks
   * (trace the job instead).
   */
  trace?: string;
}

/** What a Scheduler is made with (makeScheduler checks it first). */
export interface SchedulerOptions {
  size?: number;
  maxTasksPerWorker?: number | undefined;
  initializer?: Task | undefined;
  initArgs?: unknown[] | undefined;
  onProgress?: ((done: number, total: number) => void) | undefined;
  resourceLimits?: ResourceLimits | undefined;
  /** Worker threads (default) or worker processes. */
  isolation?: 'thread' | 'process' | undefined;
  /** Schedule to the other ranks of this communicator (this rank is its rank 0) instead of starting workers. */
  comm?: Communicator | undefined;
  /** The pool's trace file (WorkerOptions.trace). */
  trace?: string | undefined;
  /** Spawn the workers through MPI (WorkerOptions.spawn, under `mpiexec -n 1`). */
  spawn?: boolean | undefined;
}

/** Options of a pool over the ranks of a communicator: its workers are ranks it neither starts nor ends. */
export type CommWorkerOptions = Omit<WorkerOptions, 'maxTasksPerWorker' | 'isolation' | 'resourceLimits' | 'trace'> & CommPoolOptions;

/** The scheduler of a pool of `size` workers, or over the ranks of `comm` (its rank 0 schedules; see Pool.onComm). */
export function makeScheduler(size: number, options: WorkerOptions | undefined, comm?: Communicator): Scheduler {
  const isolation = checkOneOf('isolation', options?.isolation ?? 'thread', ['thread', 'process']);
  if (options?.onProgress !== undefined) checkFunction('onProgress', options.onProgress);
  if (options?.initArgs !== undefined) checkArray('initArgs', options.initArgs);
  if (options?.spawn !== undefined) checkBoolean('spawn', options.spawn);
  const bar = poolBar(options?.progress, 'ranks pool');
  const user = options?.onProgress;
  const onProgress =
    bar && user
      ? (done: number, total: number): void => {
          user(done, total);
          bar(done, total);
        }
      : (bar ?? user);
  return startScheduler({
    size,
    maxTasksPerWorker: checkCount(options?.maxTasksPerWorker, 'maxTasksPerWorker'),
    initializer: options?.initializer === undefined ? undefined : toTask(options.initializer),
    initArgs: options?.initArgs,
    onProgress,
    resourceLimits: options?.resourceLimits,
    isolation,
    comm,
    trace: checkTrace(options?.trace, comm),
    spawn: options?.spawn,
  });
}

/**
 * Joins the pool over `comm`'s ranks. On the root: the options to make its pool with, and
 * the private communicator to schedule on (none on a one-rank communicator: the pool then
 * has worker threads); null on a rank that served.
 */
export async function joinPool<O extends CommWorkerOptions>(
  comm: Communicator,
  options: O | undefined,
): Promise<{ options: O; comm: Communicator | undefined } | null> {
  const own = await joinCommPool(comm, options ?? {});
  if (!own) return null;
  const rest = { ...options } as O;
  delete rest.root;
  return { options: rest, comm: own.size === 1 ? undefined : own };
}

function checkTrace(trace: unknown, comm: Communicator | undefined): string | undefined {
  if (trace === undefined) return undefined;
  if (typeof trace !== 'string' || trace === '') expected('trace', 'a file path', trace, false);
  // A pool over a job's ranks: its traffic is the job's; trace the job (ranks run --trace).
  if (comm) expected('trace', 'unset for a pool over the ranks of a communicator (trace the job: ranks run --trace)', trace, false);
  return trace;
}

/** A call's stop options, checked: `timeout` Infinity (or none) means no timeout. */
export function stopOf(options: CallOptions | undefined): StopOptions | undefined {
  const timeout = checkTimeout(options?.timeout);
  const signal = checkSignal(options?.signal);
  return signal || timeout !== undefined ? { signal, timeout } : undefined;
}
