import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DeadlockError, RankFailedError, TimeoutError } from '../errors.ts';
import { makeJobDir, removeJobDir } from '../transport/processes/dir.ts';
import { INIT_ENV, errorFile, leftoverFile, linksFile, type ErrorReport, type ExitReport, type ProcessRankInit, type ToLauncher, type ToRank } from '../transport/processes/messages.ts';
import type { LaunchOptions, LaunchResult } from './launch.ts';
import { ProcessDeadlockDetector } from './process-deadlock.ts';
import { prefixLines } from './output.ts';
import { stopOnAbort } from './stop.ts';

const entry = fileURLToPath(new URL('./process-entry.js', import.meta.url));
/** How long a stopped rank gets to end on SIGTERM before SIGKILL. */
const GRACE_MS = 1000;
/** How long a hung job's ranks get to say what they wait for. */
const REPORT_MS = 300;

/** Runs `script` on `size` rank processes; see launch(). */
export function launchProcesses(size: number, script: string, options: LaunchOptions): Promise<LaunchResult> {
  return new ProcessJob(size, script, options).done;
}

/**
 * A job of child processes, one per rank, joined by Unix sockets in a private folder.
 * A rank that ends cleanly is announced to the others (receives naming it then fail with
 * PeerExitedError); a deadlock is found by asking the ranks (see process-deadlock.ts); a
 * job hung otherwise is bounded by `timeout`, and its TimeoutError says what each rank was
 * waiting for.
 */
class ProcessJob {
  readonly done: Promise<LaunchResult>;
  private readonly dir = makeJobDir();
  private readonly children: ChildProcess[] = [];
  private readonly exitCodes: number[] = [];
  private readonly outputs: Promise<void>[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly waits: (string | undefined)[] = [];
  private readonly detector = new ProcessDeadlockDetector();
  private readonly live: boolean[] = [];
  private started = false;
  private listening = 0;
  private failure: Error | undefined;
  private settle!: [(r: LaunchResult) => void, (e: Error) => void];

  constructor(private readonly size: number, script: string, options: LaunchOptions) {
    this.done = new Promise((res, rej) => (this.settle = [res, rej]));
    const jobId = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const tag = options.tagOutput === true;
    for (let rank = 0; rank < size; rank++) {
      const init: ProcessRankInit = { jobId, rank, size, dir: this.dir, script };
      // Like mpiexec, only rank 0 reads the launcher's standard input.
      const child = spawn(process.execPath, [entry, ...(options.args ?? [])], {
        stdio: [rank === 0 ? 'inherit' : 'ignore', tag ? 'pipe' : 'inherit', tag ? 'pipe' : 'inherit', 'ipc'],
        env: { ...process.env, [INIT_ENV]: JSON.stringify(init) },
      });
      if (tag) this.outputs.push(prefixLines(child.stdout!, process.stdout, rank), prefixLines(child.stderr!, process.stderr, rank));
      child.on('message', (m: ToLauncher) => this.onMessage(rank, m));
      child.on('error', (err) => this.fail(new RankFailedError(rank, 1, `Rank ${rank} failed to start: ${err.message}`, { cause: err })));
      // The exit is handled once the IPC channel is closed too, so an abort sent just before it is never missed.
      child.on('exit', (code, signal) => {
        if (child.connected) child.once('disconnect', () => this.onExit(rank, code, signal));
        else this.onExit(rank, code, signal);
      });
      this.children.push(child);
      this.live.push(true);
    }
    const timeout = options.timeout;
    if (timeout !== undefined) this.timers.push(setTimeout(() => void this.timedOut(timeout), timeout));
    this.timers.push(setInterval(() => this.checkDeadlock(), options.deadlockCheckMs ?? 100));
    stopOnAbort(options.signal, this.done, (err) => this.fail(err));
  }

  private onMessage(rank: number, m: ToLauncher): void {
    if (m.type === 'ready') {
      // Every rank listens: none will be refused a connection.
      if (++this.listening === this.size) {
        this.started = true;
        for (const c of this.children) send(c, { type: 'go' });
      }
    } else if (m.type === 'state') {
      this.detector.answer(rank, m.state);
    } else if (m.type === 'abort') {
      this.fail(new RankFailedError(rank, m.code, `Rank ${rank} aborted the job with code ${m.code}: ${m.reason}`));
    } else {
      this.waits[rank] = m.what;
    }
  }

  private onExit(rank: number, code: number | null, signal: NodeJS.Signals | null): void {
    const exitCode = code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
    this.exitCodes[rank] = exitCode;
    this.waits[rank] = `exited with code ${exitCode}`;
    const left = Number(readText(leftoverFile(this.dir, rank)) ?? 0);
    if (left > 0 && !this.failure) process.stderr.write(`ranks: warning: rank ${rank} exited with ${left} message(s) it never received\n`);
    const report = readText(errorFile(this.dir, rank));
    if (report !== undefined) {
      const e = JSON.parse(report) as ErrorReport;
      this.fail(new RankFailedError(rank, exitCode || 1, `Rank ${rank} failed: ${e.name}: ${e.message}`, { cause: rebuild(e) }));
    } else if (signal) {
      this.fail(new RankFailedError(rank, exitCode, `Rank ${rank} was killed by ${signal}`, { signal }));
    } else if (exitCode !== 0) {
      this.fail(new RankFailedError(rank, exitCode, `Rank ${rank} exited with code ${exitCode}`));
    }
    this.live[rank] = false;
    if (!this.failure && exitCode === 0 && !signal) this.announceExit(rank);
    if (!this.live.includes(true)) void this.finish();
  }

  // Tells the others that `rank` ended cleanly, and which of them it had connected to.
  private announceExit(rank: number): void {
    const links = readText(linksFile(this.dir, rank));
    const exit = links ? (JSON.parse(links) as ExitReport) : { connected: [], unsent: 0 };
    if (exit.unsent > 0) process.stderr.write(`ranks: warning: rank ${rank} exited with ${exit.unsent} byte(s) of sends not yet written (process.exit() before the socket took them); they are lost\n`);
    const connected = new Set(exit.connected);
    for (const [r, c] of this.children.entries()) if (this.live[r]) send(c, { type: 'exited', rank, connected: connected.has(r) });
  }

  // Judges the answers to the last round, then asks every live rank again.
  private checkDeadlock(): void {
    if (!this.started || this.failure) return;
    const waits = this.detector.check(this.live);
    if (waits) return this.fail(new DeadlockError(waits));
    for (const [r, c] of this.children.entries()) if (this.live[r]) send(c, { type: 'state' });
  }

  // Asks every live rank what it waits for, then stops the job with the answers.
  private async timedOut(timeout: number): Promise<void> {
    if (this.failure || !this.live.includes(true)) return;
    for (const [rank, c] of this.children.entries()) {
      if (c.exitCode === null && c.signalCode === null) {
        this.waits[rank] = 'did not answer (busy in its own code)';
        send(c, { type: 'report' });
      }
    }
    await new Promise((r) => setTimeout(r, REPORT_MS).unref());
    const err = new TimeoutError(`Job of ${this.size} ranks`, timeout);
    err.message += this.waits.map((w, rank) => `\n  rank ${rank} ${w ?? 'had not started'}`).join('');
    this.fail(err);
  }

  // The first failure wins; every other rank is stopped at once.
  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    for (const c of this.children) c.kill('SIGTERM');
    this.timers.push(setTimeout(() => {
      for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    }, GRACE_MS));
  }

  private async finish(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.all(this.outputs);
    removeJobDir(this.dir);
    if (this.failure) this.settle[1](this.failure);
    else this.settle[0]({ exitCodes: this.exitCodes });
  }
}

function send(child: ChildProcess, m: ToRank): void {
  if (child.connected) child.send(m, (err: Error | null) => void err);
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The rank's error again, as the cause of the launcher's: same name, message, code and stack. */
function rebuild(e: ErrorReport): Error {
  const err = new Error(e.message);
  Object.defineProperty(err, 'name', { value: e.name, configurable: true, writable: true });
  if (e.code !== undefined) Object.assign(err, { code: e.code });
  err.stack = e.stack ?? `${e.name}: ${e.message}`;
  return err;
}
