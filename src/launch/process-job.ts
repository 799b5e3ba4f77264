import { fileURLToPath } from 'node:url';
import { DeadlockError, RankFailedError, TimeoutError } from '../errors.ts';
import { ProcessSupervisor } from '../supervise/processes.ts';
import type { RankEnd } from '../supervise/rank.ts';
import { ProcessDeadlockDetector } from '../transport/processes/deadlock.ts';
import { makeJobDir, removeJobDir } from '../transport/processes/dir.ts';
import type { ToLauncher } from '../transport/processes/messages.ts';
import { failed, warnLeftover } from './ended.ts';
import type { LaunchOptions, LaunchResult } from './launch.ts';
import { describeFailure, jobTrace, type JobTrace } from '../trace/job.ts';
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
 * A job of child processes, one per rank (started on a ProcessSupervisor), joined by Unix
 * sockets in a private folder.
 * A rank that ends cleanly is announced to the others (receives naming it then fail with
 * PeerExitedError); a deadlock is found by asking the ranks (see transport/processes/deadlock.ts); a
 * job hung otherwise is bounded by `timeout`, and its TimeoutError says what each rank was
 * waiting for.
 */
class ProcessJob {
  readonly done: Promise<LaunchResult>;
  private readonly dir = makeJobDir();
  private readonly ranks: ProcessSupervisor;
  private readonly exitCodes: number[] = [];
  private readonly outputs: Promise<void>[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly waits: (string | undefined)[] = [];
  private readonly detector = new ProcessDeadlockDetector();
  private readonly live: boolean[] = [];
  private started = false;
  private failure: Error | undefined;
  private readonly trace: JobTrace | undefined;
  private settle!: [(r: LaunchResult) => void, (e: Error) => void];

  constructor(
    private readonly size: number,
    script: string,
    options: LaunchOptions,
  ) {
    this.done = new Promise((res, rej) => (this.settle = [res, rej]));
    this.ranks = new ProcessSupervisor({ dir: this.dir, size, announceExits: true, onMessage: (rank, m) => this.onMessage(rank, m) });
    this.trace = jobTrace(options, size, 'processes');
    const tag = options.tagOutput === true;
    const ready: Promise<void>[] = [];
    for (let rank = 0; rank < size; rank++) {
      // Like mpiexec, only rank 0 reads the launcher's standard input.
      const h = this.ranks.start(rank, {
        entry,
        name: `Rank ${rank}`,
        script,
        args: options.args ?? [],
        stdio: [rank === 0 ? 'inherit' : 'ignore', tag ? 'pipe' : 'inherit', tag ? 'pipe' : 'inherit'],
        ...(this.trace && { env: this.trace.forProcess(rank) }),
      });
      if (tag) this.outputs.push(prefixLines(h.child.stdout!, process.stdout, rank), prefixLines(h.child.stderr!, process.stderr, rank));
      void h.ended.then((end) => this.onEnd(rank, end));
      ready.push(h.ready);
      this.live.push(true);
    }
    // Every rank listens: none will be refused a connection.
    Promise.all(ready).then(
      () => {
        this.started = true;
        for (const h of this.ranks.running()) h.send({ type: 'go' });
      },
      () => undefined,
    );
    const timeout = options.timeout;
    if (timeout !== undefined) this.timers.push(setTimeout(() => void this.timedOut(timeout), timeout));
    this.timers.push(setInterval(() => this.checkDeadlock(), options.deadlockCheckMs ?? 100));
    stopOnAbort(options.signal, this.done, (err) => this.fail(err));
  }

  private onMessage(rank: number, m: ToLauncher): void {
    if (m.type === 'state') {
      this.detector.answer(rank, m.state);
    } else if (m.type === 'abort') {
      this.fail(new RankFailedError(rank, m.code, `Rank ${rank} aborted the job with code ${m.code}: ${m.reason}`));
    } else if (m.type === 'waiting') {
      this.waits[rank] = m.what;
    }
  }

  private onEnd(rank: number, end: RankEnd): void {
    const { code, signal, error } = end;
    this.exitCodes[rank] = code;
    this.waits[rank] = `exited with code ${code}`;
    warnLeftover(rank, end, this.failure);
    if (error) this.fail(failed(rank, code, error));
    else if (signal) this.fail(new RankFailedError(rank, code, `Rank ${rank} was killed by ${signal}`, { signal }));
    else if (code !== 0) this.fail(new RankFailedError(rank, code, `Rank ${rank} exited with code ${code}`));
    this.live[rank] = false;
    if (!this.live.includes(true)) void this.finish();
  }

  // Judges the answers to the last round, then asks every live rank again.
  private checkDeadlock(): void {
    if (!this.started || this.failure) return;
    const waits = this.detector.check(this.live);
    if (waits) return this.fail(new DeadlockError(waits));
    for (const h of this.ranks.running()) h.send({ type: 'state' });
  }

  // Asks every live rank what it waits for, then stops the job with the answers.
  private async timedOut(timeout: number): Promise<void> {
    if (this.failure || !this.live.includes(true)) return;
    for (const h of this.ranks.running()) {
      this.waits[h.rank] = 'did not answer (busy in its own code)';
      h.send({ type: 'report' });
    }
    await new Promise((r) => setTimeout(r, REPORT_MS).unref());
    const err = new TimeoutError(`Job of ${this.size} ranks`, timeout);
    err.message += this.waits.map((w, rank) => `\n  rank ${rank} ${w ?? 'had not started'}`).join('');
    this.fail(err);
  }

  // The first failure wins; every other rank is stopped at once (SIGTERM, then SIGKILL).
  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.trace?.tellReason(describeFailure(err));
    for (const h of this.ranks.running()) h.kill(GRACE_MS);
  }

  private async finish(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    await Promise.all(this.outputs);
    removeJobDir(this.dir);
    this.trace?.finish(this.failure ? { status: 'failed', error: describeFailure(this.failure) } : { status: 'ok' });
    if (this.failure) this.settle[1](this.failure);
    else this.settle[0]({ exitCodes: this.exitCodes });
  }
}
