import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { DeadlockError, InvalidArgumentError, RankFailedError, TimeoutError, ArgumentRangeError } from '../errors.ts';
import { EXITS, LEFTOVER, STATE, WaitState, createControl, slot, wake } from '../transport/threads/control.ts';
import type { RankInit, ToLauncher } from '../transport/threads/messages.ts';
import { DeadlockDetector } from './deadlock.ts';
import { forwardSetup } from './hub.ts';
import { prefixLines } from './output.ts';
import { stopOnAbort } from './stop.ts';
import { launchProcesses } from './process-job.ts';

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
  /** How often the deadlock detector looks, in milliseconds (default 100; processes: how often the launcher asks each rank). */
  deadlockCheckMs?: number;
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
  if (transport === 'processes') return launchProcesses(size, scriptUrl(options.script), options);
  return new Job(size, scriptUrl(options.script), options).done;
}

class Job {
  readonly done: Promise<LaunchResult>;
  private readonly control: SharedArrayBuffer;
  private readonly ctl: Int32Array;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  /** Every ring, by receiving rank: the deadlock detector looks for unread ones. */
  private readonly rings: SharedArrayBuffer[][];
  private readonly exitCodes: number[] = [];
  private readonly outputs: Promise<void>[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private live = 0;
  private failure: Error | undefined;
  private settle!: [(r: LaunchResult) => void, (e: Error) => void];

  constructor(size: number, script: string, options: LaunchOptions) {
    this.control = createControl(size);
    this.ctl = new Int32Array(this.control);
    this.rings = Array.from({ length: size }, () => []);
    this.done = new Promise((res, rej) => (this.settle = [res, rej]));
    const jobId = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const tag = options.tagOutput === true;
    for (let rank = 0; rank < size; rank++) {
      const { port1, port2 } = new MessageChannel();
      const init: RankInit = { jobId, rank, size, control: this.control, port: port2, script, tagOutput: tag };
      const w = new Worker(entry, { workerData: { ranks: init }, transferList: [port2], argv: options.args ?? [], stdout: tag, stderr: tag, name: `rank ${rank}` });
      if (tag) this.outputs.push(prefixLines(w.stdout, process.stdout, rank), prefixLines(w.stderr, process.stderr, rank));
      port1.on('message', (m: ToLauncher) => this.onMessage(m));
      w.on('error', (err) => this.fail(new RankFailedError(rank, 1, `Rank ${rank} failed: ${describe(err)}`, { cause: err })));
      w.on('exit', (code) => this.onExit(rank, code));
      this.workers.push(w);
      this.ports.push(port1);
      this.live++;
    }
    const detector = new DeadlockDetector(this.ctl, size, this.rings);
    const every = options.deadlockCheckMs ?? 100;
    this.timers.push(setInterval(() => {
      const waits = detector.check();
      if (waits) this.fail(new DeadlockError(waits));
    }, every));
    if (options.timeout !== undefined) this.timers.push(setTimeout(() => this.fail(new TimeoutError(`Job of ${size} ranks`, options.timeout!)), options.timeout));
    stopOnAbort(options.signal, this.done, (err) => this.fail(err));
  }

  private onMessage(m: ToLauncher): void {
    if (forwardSetup(m, this.ports, this.ctl, this.rings)) return;
    if (m.type === 'abort') {
      this.fail(new RankFailedError(m.rank, m.code, `Rank ${m.rank} aborted the job with code ${m.code}: ${m.reason}`));
    }
  }

  private onExit(rank: number, code: number): void {
    this.exitCodes[rank] = code;
    // What the rank posted just before it ended (a new ring for its last sends) may still
    // be queued behind the exit event: hand it on before the port closes, or it is lost.
    const port = this.ports[rank]!;
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) this.onMessage(m.message as ToLauncher);
    Atomics.store(this.ctl, slot(rank, STATE), WaitState.Exited);
    // The others learn of it on their next look (a receive from it then fails with
    // PeerExitedError once its rings are drained); sleeping ones are rung.
    for (let r = 0; r < this.workers.length; r++) {
      if (r === rank) continue;
      Atomics.add(this.ctl, slot(r, EXITS), 1);
      wake(this.ctl, r);
    }
    port.close();
    const left = Atomics.load(this.ctl, slot(rank, LEFTOVER));
    if (left > 0 && !this.failure) process.stderr.write(`ranks: warning: rank ${rank} exited with ${left} message(s) it never received\n`);
    if (code !== 0) this.fail(new RankFailedError(rank, code, `Rank ${rank} exited with code ${code}`));
    if (--this.live === 0) void this.finish();
  }

  // The first failure wins; every other rank is stopped at once.
  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const w of this.workers) void w.terminate();
  }

  private async finish(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.all(this.outputs);
    if (this.failure) this.settle[1](this.failure);
    else this.settle[0]({ exitCodes: this.exitCodes });
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/** How many ranks `ranks run` starts by default: the machine's cores. */
export function defaultSize(): number {
  return availableParallelism();
}
