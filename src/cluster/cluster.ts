import { availableParallelism } from 'node:os';
import { ArgumentRangeError, DeadlockError, InvalidArgumentError, InvalidStateError } from '../errors.ts';
import { processEngines, threadEngines, type EngineHost } from './engines.ts';
import { describe } from './protocol.ts';
import { Requests, type EngineResult, type EngineState, type OutputChunk, type OutputListener } from './requests.ts';
import { LoadBalancedView } from './balanced.ts';
import { DirectView, checkTargets } from './view.ts';
import type { Job } from './protocol.ts';

/** Options of `Cluster.start()`. */
export interface ClusterOptions {
  /** How many engines (default: the machine's cores). */
  n?: number;
  /** `'threads'` (default): engines are worker threads of this process. `'processes'`: child processes (a crash or `process.exit()` takes only its engine; SIGINT breaks a synchronous loop). */
  transport?: 'threads' | 'processes';
  /** How often the deadlock detector looks at busy engines, in milliseconds (default 100). */
  deadlockCheckMs?: number;
  /** How long stop() lets engines end before it ends them by force, in milliseconds (default 2000). */
  stopGraceMs?: number;
  /**
   * Output an engine writes through console while it runs no request (a timer an earlier
   * input left). Default: written to this process's stdout or stderr, each line prefixed
   * with `[engine] `, as writes that bypass console (`process.stdout.write`) always are.
   */
  onStrayOutput?: OutputListener;
}

/** What `interrupt()` found. */
export interface InterruptResult {
  /** Engines whose running input was stopped (and those queued behind it dropped). */
  interrupted: number[];
  /** Engines that did not stop within `graceMs`: busy in synchronous code a thread cannot be made to leave (see the README). */
  stuck: number[];
}

/**
 * A set of engines (IPython parallel's cluster): ranks of a running job that wait for
 * commands, keep their state between calls, and talk to each other through their own
 * world (`comm` in executed code, or `world()`). Drive them through views:
 * `cluster.view()` (every engine, or some: IPython's DirectView) and
 * `cluster.loadBalanced()` (LoadBalancedView).
 *
 * @example
 * await using cluster = await Cluster.start({ n: 4 });
 * const all = cluster.view();
 * await all.scatter('part', [1, 2, 3, 4, 5, 6, 7, 8]);
 * const [r0] = await all.execute('await comm.allreduce(part.reduce((a, b) => a + b, 0))');
 * console.log(r0.value); // 36 on every engine
 */
export class Cluster {
  /** The engines' transport. */
  readonly transport: 'threads' | 'processes';
  private readonly requests: Requests;
  private readonly watcher: NodeJS.Timeout;
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly host: EngineHost,
    transport: 'threads' | 'processes',
    requests: Requests,
    deadlockCheckMs: number,
    private readonly stopGraceMs: number,
  ) {
    this.transport = transport;
    this.requests = requests;
    this.watcher = setInterval(() => this.checkDeadlock(), deadlockCheckMs);
    this.watcher.unref();
  }

  /**
   * Starts `n` engines and resolves once every one serves.
   *
   * @example
   * const cluster = await Cluster.start({ n: 4, transport: 'processes' });
   */
  static async start(options: ClusterOptions = {}): Promise<Cluster> {
    const n = options.n ?? availableParallelism();
    if (!Number.isInteger(n) || n < 1) throw new ArgumentRangeError(`Expected \`n\` to be an integer >= 1, got ${String(n)} (${typeof n})`);
    const transport = options.transport ?? 'threads';
    if (transport !== 'threads' && transport !== 'processes')
      throw new InvalidArgumentError(`Expected \`transport\` to be 'threads' or 'processes', got ${String(transport)} (${typeof transport})`);
    const every = options.deadlockCheckMs ?? 100;
    if (!Number.isInteger(every) || every < 1)
      throw new ArgumentRangeError(`Expected \`deadlockCheckMs\` to be an integer >= 1, got ${String(every)} (${typeof every})`);
    const grace = options.stopGraceMs ?? 2000;
    if (!Number.isInteger(grace) || grace < 0)
      throw new ArgumentRangeError(`Expected \`stopGraceMs\` to be an integer >= 0, got ${String(grace)} (${typeof grace})`);
    // Engines speak only once started (asynchronously): `requests` is there by then.
    const events = {
      message: (engine: number, m: Parameters<Requests['onMessage']>[1]) => requests.onMessage(engine, m),
      ended: (engine: number, end: Parameters<Requests['onEnded']>[1]) => requests.onEnded(engine, end),
    };
    const host = transport === 'processes' ? processEngines(n, events) : threadEngines(n, events);
    const requests = new Requests(host, n);
    requests.onStray = options.onStrayOutput ?? writeStray;
    const cluster = new Cluster(host, transport, requests, every, grace);
    try {
      await host.ready;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** How many engines. */
  get size(): number {
    return this.requests.size;
  }

  /** True once stop() has been called. */
  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  /**
   * A view of some engines (default: all): runs code, calls functions and moves variables
   * on each of them (IPython's DirectView).
   *
   * @example
   * const evens = cluster.view([0, 2]);
   */
  view(targets?: readonly number[] | number): DirectView {
    return new DirectView(this, checkTargets(targets, this.size));
  }

  /**
   * A view that sends each call to the next free engine (IPython's LoadBalancedView).
   *
   * @example
   * const squares = await cluster.loadBalanced().map((x: number) => x * x, [1, 2, 3]);
   */
  loadBalanced(targets?: readonly number[] | number): LoadBalancedView {
    return new LoadBalancedView(this, checkTargets(targets, this.size));
  }

  /**
   * What each engine is doing now: busy or idle, what it runs and since when (the REPL's
   * `.ranks`).
   *
   * @example
   * for (const e of cluster.engines()) console.log(e.engine, e.busy ? e.running : 'idle');
   */
  engines(): EngineState[] {
    return this.requests.states();
  }

  /**
   * Stops what the engines run now (on `targets`, default all): an input waiting for a
   * message, a collective or anything else asynchronous ends with CancelledError
   * (`ERR_CANCELLED`), its pending ranks operations are withdrawn, and requests queued
   * behind it are dropped. The engines and their variables stay. Process engines also get
   * SIGINT, which breaks a synchronous loop at the top of an input; a thread engine busy
   * in synchronous code cannot be stopped and is reported in `stuck` after `graceMs`.
   *
   * @example
   * const { interrupted, stuck } = await cluster.interrupt();
   */
  async interrupt(options: { targets?: readonly number[] | number; graceMs?: number } = {}): Promise<InterruptResult> {
    const targets = checkTargets(options.targets, this.size);
    const graceMs = options.graceMs ?? 2000;
    if (!Number.isInteger(graceMs) || graceMs < 0)
      throw new ArgumentRangeError(`Expected \`graceMs\` to be an integer >= 0, got ${String(graceMs)} (${typeof graceMs})`);
    const busy = this.requests.busy();
    const error = { name: 'CancelledError', message: 'The input was interrupted', code: 'ERR_CANCELLED', stack: undefined };
    const stuck = new Set<number>();
    const asked = targets.filter((e) => busy[e]).map((engine) => ({ engine, ids: this.requests.stop(engine, error) }));
    await Promise.all(
      asked.map(async ({ engine, ids }) => {
        // An input that waits stops at the message; one in synchronous code needs breaking.
        if (!(await this.settledWithin(ids, this.host.breakAfterMs))) await this.host.breakSync(engine, ids[0]!);
        if (!(await this.settledWithin(ids, graceMs))) stuck.add(engine);
      }),
    );
    return { interrupted: asked.map((a) => a.engine).filter((e) => !stuck.has(e)), stuck: [...stuck] };
  }

  // True once none of `ids` is outstanding, false if some still is after `ms`.
  private async settledWithin(ids: readonly number[], ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const done = await Promise.race([this.requests.settled(ids).then(() => true as const), late]);
    clearTimeout(timer);
    return done;
  }

  /**
   * Ends every engine and releases everything (threads, processes, sockets, folders):
   * the script then exits by itself. Requests still out end with RankFailedError.
   *
   * @example
   * await cluster.stop();
   */
  stop(): Promise<void> {
    return (this.stopping ??= (async () => {
      clearInterval(this.watcher);
      await this.host.close(this.stopGraceMs);
    })());
  }

  /** `await using cluster = await Cluster.start()`: stops the cluster at the end of the block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  /** @internal Runs `job` on each of `targets`; resolves with each one's result, in the targets' order. */
  run(targets: readonly number[], job: Job | ((engine: number, i: number) => Job), onOutput?: OutputListener): Promise<EngineResult[]> {
    if (this.stopping) return Promise.reject(new InvalidStateError('The cluster has been stopped'));
    return Promise.all(targets.map((engine, i) => this.requests.submit(engine, typeof job === 'function' ? job(engine, i) : job, onOutput)));
  }

  // Busy engines that all wait on each other's messages: their inputs end with DeadlockError, the engines stay.
  private checkDeadlock(): void {
    const running = this.requests.running();
    if (running.every((id) => id === 0)) return;
    const waits = this.host.checkDeadlock(running);
    if (!waits) return;
    const error = describe(new DeadlockError(waits));
    running.forEach((id, engine) => id !== 0 && this.requests.stop(engine, error, false));
  }
}

// Output of no request: this process's own stream, each line tagged with its engine.
function writeStray(engine: number, chunk: OutputChunk): void {
  const text = chunk.text.endsWith('\n') ? chunk.text.slice(0, -1) : chunk.text;
  (chunk.stream === 'stderr' ? process.stderr : process.stdout).write(`${text.replace(/^/gm, `[${engine}] `)}\n`);
}
