import { inspect } from 'node:util';
import { Worker } from 'node:worker_threads';
import { findUnclonable } from '../codec/clone-path.ts';
import { checkTimeout } from '../comm/validate.ts';
import { DataCloneError, InvalidArgumentError, InvalidStateError } from '../errors.ts';
import { share } from '../sync/share.ts';
import type { TaskLike } from './pool.ts';
import type { ProcessInit } from './protocol.ts';
import { toTask, type Task, type TaskArgs } from './tasks.ts';

const entry = new URL('./process-entry.js', import.meta.url);
/** Python's exit code for a process ended by `terminate()` (killed by SIGTERM). */
const TERMINATED = -15;
let created = 0;

// The processes this thread started that have not ended, on the global object so that
// every copy of this module in the thread sees one list (process-entry waits for them).
const LIVE = Symbol.for('ranks.liveProcesses');
function live(): Set<Process> {
  const g = globalThis as { [LIVE]?: Set<Process> };
  return (g[LIVE] ??= new Set());
}

/**
 * What Python does when a process exits: terminates the daemon processes it started
 * that are still running, then waits for the others (and for any they start meanwhile).
 * A Process's thread calls it when its target has returned or thrown.
 */
export async function endChildren(): Promise<void> {
  const children = live();
  await Promise.all([...children].filter((p) => p.daemon).map((p) => p.terminate()));
  for (let left = [...children]; left.length > 0; left = [...children]) {
    await Promise.all(left.map((p) => (p.daemon ? p.terminate() : p.join())));
  }
}

/** Options of `new Process()`: Python's `Process(target=, args=, name=, daemon=)`. */
export interface ProcessBaseOptions<F extends TaskLike = TaskLike> {
  /** A task reference from `tasks()`, or a self-contained inline function. */
  target: F;
  /** The target's arguments; ranks primitives (Lock, Queue, Value, Pipe, ...) among them are shared, the rest is copied. */
  args?: TaskArgs<F>;
  /** Default `Process-N`, N counting the processes made in this thread from 1. */
  name?: string;
  /** A daemon process does not keep this process alive: it ends with it. Default `false`. */
  daemon?: boolean;
}

/** The options of `new Process()`; `args` may be left out only when the target takes none. */
export type ProcessOptions<F extends TaskLike = TaskLike> = ProcessBaseOptions<F> & ([] extends TaskArgs<F> ? unknown : { args: TaskArgs<F> });

/**
 * Runs a task in a worker thread of its own: Python's `multiprocessing.Process`. The
 * arguments may hold any structured-cloneable value and the ranks primitives (Lock, Queue,
 * Value, Pipe, Event, ...), which the target receives working on the same shared memory.
 * An async target is awaited; when it returns (or throws), the process terminates the
 * daemon processes it started, waits for its other processes to end, and ends, as Python's does.
 *
 * `exitCode` is `null` until the process ends, then 0 when the target returned, 1 when it
 * threw (its error is printed to stderr under `Process <name>:`), `n` when it called
 * `process.exit(n)`, and -15 after `terminate()`. A running process keeps this one alive
 * unless it is a `daemon`; `join()` keeps it alive while it waits, daemon or not.
 *
 * @example
 * const mp = tasks<typeof import('./mp-tasks.ts')>(new URL('./mp-tasks.ts', import.meta.url));
 * const q = new Queue<unknown[]>();
 * const p = new Process({ target: mp.putHello, args: [q] });
 * p.start();
 * console.log(await q.get()); // [ 42, null, 'hello' ]
 * await p.join();
 * console.log(p.exitCode);    // 0
 */
export class Process<F extends TaskLike = TaskLike> {
  /** The process's name, shown in its error report. */
  name: string;
  /** True when the process does not keep this one alive. */
  readonly daemon: boolean;
  private readonly task: Task;
  private readonly args: unknown[];
  private worker: Worker | undefined;
  private code: number | null = null;
  private terminating = false;
  private ended: Promise<void> | undefined;
  // Calls of join() waiting: while there are any, even a daemon keeps this thread alive.
  private joining = 0;

  constructor(options: ProcessOptions<F>) {
    if (typeof options !== 'object' || options === null) throw new InvalidArgumentError(`Expected options with a \`target\`, got ${String(options)}`);
    this.task = toTask(options.target);
    const args: unknown = options.args ?? [];
    if (!Array.isArray(args)) throw new InvalidArgumentError(`Expected \`args\` to be an array, got ${String(args)} (${typeof args})`);
    this.args = args;
    created++;
    const name: unknown = options.name ?? `Process-${created}`;
    if (typeof name !== 'string') throw new InvalidArgumentError(`Expected \`name\` to be a string, got ${String(name)} (${typeof name})`);
    this.name = name;
    const daemon: unknown = options.daemon ?? false;
    if (typeof daemon !== 'boolean') throw new InvalidArgumentError(`Expected \`daemon\` to be a boolean, got ${String(daemon)} (${typeof daemon})`);
    this.daemon = daemon;
  }

  /** `null` until the process ends; then 0, 1 (the target threw), its `process.exit` code, or -15 (terminated). */
  get exitCode(): number | null {
    return this.code;
  }

  /** The worker thread's id once started (Python's `pid`), else `null`. */
  get threadId(): number | null {
    return this.worker?.threadId ?? null;
  }

  /**
   * Starts the target in a new worker thread. Throws `InvalidStateError` when started
   * before, `DataCloneError` (naming the part) when an argument cannot be sent.
   */
  start(): void {
    if (this.worker) throw new InvalidStateError(`${this.name} was already started; a process can only be started once`);
    const init: ProcessInit = { module: this.task.module ?? null, name: this.task.name, args: share(this.args), processName: this.name };
    let worker: Worker;
    try {
      worker = new Worker(entry, { workerData: { ranksProcess: init }, name: this.name });
    } catch (err) {
      if ((err as Error)?.name !== 'DataCloneError') throw err;
      const hit = findUnclonable(this.args, 'args');
      throw new DataCloneError(hit?.path ?? 'args', hit?.what ?? (err as Error).message);
    }
    this.worker = worker;
    if (this.daemon) worker.unref();
    // Errors the target's callbacks throw after it started waiting: printed like a thrown target.
    worker.on('error', (err) => process.stderr.write(`Process ${this.name}:\n${inspect(err)}\n`));
    live().add(this);
    this.ended = new Promise((resolve) => {
      worker.once('exit', (code) => {
        this.code = this.terminating ? TERMINATED : code;
        live().delete(this);
        resolve();
      });
    });
  }

  /** True from `start()` until the process has ended. */
  isAlive(): boolean {
    return this.worker !== undefined && this.code === null;
  }

  /**
   * Resolves when the process has ended, or once `timeout` ms have passed (check
   * `exitCode` or `isAlive()` to tell which). Rejects with `InvalidStateError` before `start()`.
   *
   * @example
   * await p.join({ timeout: 1000 });
   * if (p.isAlive()) await p.terminate();
   */
  async join(options?: { timeout?: number }): Promise<void> {
    const ended = this.started('join');
    const timeout = checkTimeout(options?.timeout);
    if (this.code !== null) return;
    // A daemon does not keep this thread alive, but someone awaiting its end does (else a
    // script whose last line is `await p.join()` would end with the await unsettled).
    if (this.joining++ === 0) this.worker!.ref();
    let timer: NodeJS.Timeout | undefined;
    try {
      if (timeout === undefined) await ended;
      else await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeout)))]);
    } finally {
      clearTimeout(timer);
      if (--this.joining === 0 && this.daemon) this.worker!.unref();
    }
  }

  /**
   * Stops the process (its worker thread is ended wherever it is) and resolves when it has
   * ended; `exitCode` is then -15. Does nothing to a process that has already ended.
   * Like Python's, it does not release locks the target held, nor finish its queue puts.
   */
  async terminate(): Promise<void> {
    const ended = this.started('terminate');
    if (this.code === null) {
      this.terminating = true;
      await this.worker!.terminate();
    }
    return ended;
  }

  private started(what: string): Promise<void> {
    if (!this.ended) throw new InvalidStateError(`Cannot ${what} ${this.name}: it was not started`);
    return this.ended;
  }
}
