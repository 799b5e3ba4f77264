import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { DeadlockError, InvalidArgumentError, RankFailedError, TimeoutError, ArgumentRangeError } from '../errors.ts';
import { asError } from '../supervise/exit.ts';
import type { RankEnd } from '../supervise/rank.ts';
import { ThreadSupervisor, type ThreadRank } from '../supervise/threads.ts';
import { config } from '../config/config.ts';
import { SpawnBook, spawnFailed } from '../spawn/lines.ts';
import type { SpawnRequest, SpawnedInit } from '../spawn/protocol.ts';
import { checkInteger } from '../validate.ts';
import { DeadlockDetector } from '../transport/threads/deadlock.ts';
import type { ToLauncher } from '../transport/threads/messages.ts';
import { failed, warnLeftover } from './ended.ts';
import { prefixLines } from './output.ts';
import { stopOnAbort } from './stop.ts';
import { launchProcesses } from './process-job.ts';
import { profileMode } from '../config/variables.ts';
import { expected } from '../validate.ts';
import { describeFailure, jobTrace, type JobTrace } from '../trace/job.ts';

/** Options of `launch()`. */
export interface LaunchOptions {
  /** Number of ranks. */
  size: number;
  /** The program every rank runs: a path or file URL to a `.ts`, `.mts`, `.js` or `.mjs` file. */
  script: string | URL;
  /** Arguments, seen by each rank in `process.argv.slice(2)`. */
  args?: string[];
  /**
   * `'threads'` (default): ranks are worker threads of this process, sharing memory.
   * `'processes'`: ranks are child processes over Unix sockets; a rank that crashes or is
   * killed cannot take the others' memory with it.
   */
  transport?: 'threads' | 'processes';
  /** Stops the job after this many milliseconds (TimeoutError). */
  timeout?: number;
  /** Prefix each output line with `[rank] `. */
  tagOutput?: boolean;
  /** Stops the job when aborted (AbortError). */
  signal?: AbortSignal;
  /** How many ranks `comm.spawn()` may start in all (default RANKS_SPAWN_MAX, 64); threads reserve 64 bytes of control block for each. */
  spawnMax?: number;
  /** How often the deadlock detector looks, in milliseconds (default 100; processes: how often the launcher asks each rank). */
  deadlockCheckMs?: number;
  /**
   * Write the job's trace to this file (Chrome trace-event JSON; see "A picture of the
   * job" in the README): written once every rank has ended, also when the job fails.
   */
  trace?: string;
  /** Print the job's profile at its end: `'text'` or `'json'` on stderr, or a path ending in `.json` to write it to. */
  profile?: string;
}

/** What a finished job reports. */
export interface LaunchResult {
  exitCodes: number[];
}

const entry = new URL('./worker-entry.js', import.meta.url);

/** Resolves a script given as a path or URL to a file URL string; throws if it is missing. */
export function scriptUrl(script: string | URL): string {
  const url = script instanceof URL ? script.href : /^file:/.test(script) ? script : pathToFileURL(resolve(script)).href;
  if (!existsSync(fileURLToPath(url))) throw new InvalidArgumentError(`Script not found: ${fileURLToPath(url)}`);
  return url;
}

/**
 * Runs `script` on `size` ranks (threads of this process, or child processes with
 * `transport: 'processes'`) and waits for all of them. Rejects with RankFailedError when a
 * rank throws, exits non-zero or is killed (the others are stopped at once),
 * DeadlockError when every live rank waits on a message none will send,
 * TimeoutError or AbortError. A rank that ends cleanly does not stop the job, but a
 * receive, probe or collective that needs it fails on the waiting rank with
 * PeerExitedError (ERR_PEER_EXITED), after every message it sent has been received.
 *
 * @example
 * const { exitCodes } = await launch({ size: 4, script: new URL('./app.ts', import.meta.url) });
 * await launch({ size: 4, script: 'app.ts', transport: 'processes', timeout: 60_000 });
 */
export function launch(options: LaunchOptions): Promise<LaunchResult> {
  const size = options.size;
  if (!Number.isInteger(size) || size < 1) throw new ArgumentRangeError(`Expected \`size\` to be an integer >= 1, got ${String(size)} (${typeof size})`);
  const transport = options.transport ?? 'threads';
  if (transport !== 'threads' && transport !== 'processes') {
    throw new InvalidArgumentError(`Expected \`transport\` to be 'threads' or 'processes', got ${String(transport)}`);
  }
  if (options.spawnMax !== undefined) checkInteger('spawnMax', options.spawnMax, { min: 0 });
  checkTraceOptions(options);
  if (transport === 'processes') return launchProcesses(size, scriptUrl(options.script), options);
  return new Job(size, scriptUrl(options.script), options).done;
}

/**
 * A job of rank threads: starts them on a ThreadSupervisor, watches for deadlocks through
 * the control block, and ends the job at the first failure, timeout or abort.
 */
class Job {
  readonly done: Promise<LaunchResult>;
  private readonly ranks: ThreadSupervisor;
  private readonly exitCodes: number[] = [];
  private readonly outputs: Promise<void>[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly spawns: SpawnBook;
  private readonly detector: DeadlockDetector;
  private live = 0;
  private failure: Error | undefined;
  private settle!: [(r: LaunchResult) => void, (e: Error) => void];
  private readonly trace: JobTrace | undefined;

  constructor(
    size: number,
    script: string,
    private readonly options: LaunchOptions,
  ) {
    const spawnMax = options.spawnMax ?? config().spawnMax;
    this.spawns = new SpawnBook(size, spawnMax);
    this.ranks = new ThreadSupervisor({
      size,
      capacity: size + spawnMax,
      announceExits: true,
      keepRings: true,
      onMessage: (rank, m) => this.onMessage(rank, m),
    });
    this.done = new Promise((res, rej) => (this.settle = [res, rej]));
    this.trace = jobTrace(options, size, 'threads');
    for (let rank = 0; rank < size; rank++) this.startRank(rank, script, options.args ?? []);
    const detector = (this.detector = new DeadlockDetector(this.ranks.ctl, size, this.ranks.rings));
    const every = options.deadlockCheckMs ?? 100;
    this.timers.push(
      setInterval(() => {
        const waits = detector.check();
        if (waits) this.fail(new DeadlockError(waits));
      }, every),
    );
    if (options.timeout !== undefined)
      this.timers.push(setTimeout(() => this.fail(new TimeoutError(`Job of ${size} ranks`, options.timeout!)), options.timeout));
    stopOnAbort(options.signal, this.done, (err) => this.fail(err));
  }

  private startRank(rank: number, script: string, argv: string[], spawned?: SpawnedInit): ThreadRank {
    const tag = this.options.tagOutput === true;
    const who = this.spawns.name(rank);
    const h = this.ranks.start(rank, {
      entry,
      script,
      name: who.toLowerCase(),
      argv,
      pipeOutput: tag,
      ...this.trace?.forThread(rank),
      ...(spawned && { spawned }),
    });
    if (tag) this.outputs.push(prefixLines(h.worker.stdout, process.stdout, rank), prefixLines(h.worker.stderr, process.stderr, rank));
    // A rank that throws fails the job at once; its exit follows.
    h.worker.on('error', (err) => this.fail(failed(rank, 1, asError(err), who)));
    void h.ended.then((end) => this.onEnd(rank, end));
    this.live++;
    return h;
  }

  // A rank's comm.spawn(): start the ranks in the next free lines, then answer once each is online.
  private spawn(from: number, request: SpawnRequest): void {
    let ranks: number[];
    try {
      if (this.failure) throw this.failure;
      ranks = this.spawns.take(request);
    } catch (err) {
      return this.ranks.tell(from, { type: 'spawned', reply: spawnFailed(request.id, err) });
    }
    const spawned: SpawnedInit = { world: ranks, parents: request.parents, context: request.context };
    this.detector.size = this.spawns.started;
    const started = ranks.map((r) => this.startRank(r, request.script, request.args, spawned).ready);
    Promise.all(started).then(
      () => this.ranks.tell(from, { type: 'spawned', reply: { id: request.id, ranks } }),
      (err: unknown) => this.ranks.tell(from, { type: 'spawned', reply: spawnFailed(request.id, err) }),
    );
  }

  private onMessage(rank: number, m: ToLauncher): void {
    if (m.type === 'abort') {
      this.fail(new RankFailedError(m.rank, m.code, `${this.spawns.name(m.rank)} aborted the job with code ${m.code}: ${m.reason}`));
    } else if (m.type === 'spawn') this.spawn(rank, m.request);
  }

  private onEnd(rank: number, end: RankEnd): void {
    // The job's result lists its world; spawned ranks are reported only when they fail.
    if (rank < this.spawns.first) this.exitCodes[rank] = end.code;
    warnLeftover(rank, end, this.failure);
    if (end.code !== 0) this.fail(new RankFailedError(rank, end.code, `${this.spawns.name(rank)} exited with code ${end.code}`));
    if (--this.live === 0) void this.finish();
  }

  // The first failure wins; every other rank is stopped at once.
  // (A traced job's ranks first write their part of the trace.)
  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    const stop = (): void => {
      for (const h of this.ranks.running()) this.ranks.stop(h.rank);
    };
    if (this.trace)
      void this.trace
        .flushThreads(
          this.ranks.running().map((h) => h.rank),
          describeFailure(err),
        )
        .then(stop);
    else stop();
  }

  private async finish(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.all(this.outputs);
    this.trace?.finish(this.failure ? { status: 'failed', error: describeFailure(this.failure) } : { status: 'ok' });
    if (this.failure) this.settle[1](this.failure);
    else this.settle[0]({ exitCodes: this.exitCodes });
  }
}

/** Checks `trace` and `profile` (InvalidArgumentError). */
function checkTraceOptions(options: LaunchOptions): void {
  if (options.trace !== undefined && (typeof options.trace !== 'string' || options.trace === '')) expected('trace', 'a file path', options.trace, false);
  if (options.profile !== undefined) profileMode(String(options.profile), 'profile');
}

/** How many ranks `ranks run` starts by default: the machine's cores. */
export function defaultSize(): number {
  return availableParallelism();
}
