import { spawn, type ChildProcess, type StdioNull, type StdioPipe } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import {
  INIT_ENV,
  errorFile,
  leftoverFile,
  linksFile,
  type ErrorReport,
  type ExitReport,
  type ProcessRankInit,
  type ToLauncher,
  type ToRank,
} from '../transport/processes/messages.ts';
import type { SpawnedInit } from '../spawn/protocol.ts';
import { asError, exitCodeOf, newJobId } from './exit.ts';
import { SupervisedRank, type RankEnd, type Supervisor } from './rank.ts';

/** How to start one rank process. */
export interface ProcessSpec {
  /** The process's first module (a path). */
  entry: string;
  /** What to call the rank in messages (`Pool worker 3`). */
  name: string;
  /** What the rank runs (the user's script, or the pool's worker): ProcessRankInit.script. */
  script: string;
  /** The rank's `process.argv.slice(2)`. */
  args?: string[];
  /** node's own flags (resource limits). */
  execArgv?: string[];
  /** stdin, stdout, stderr: shared with this process, or piped (handle.child.stdout). */
  stdio: [StdioNull, StdioNull | StdioPipe, StdioNull | StdioPipe];
  /** A spawned rank: its own world and its parents (ProcessRankInit.spawned). */
  spawned?: SpawnedInit;
  /**
   * A process group of its own (spawn's `detached`): a terminal's Ctrl-C then reaches only
   * this process's group, and the owner decides what the child gets (the Cluster's engines).
   */
  detached?: boolean;
  /** More environment variables for the rank (a traced rank's RANKS_TRACE_RANK). */
  env?: Record<string, string>;
}

export interface ProcessSupervisorOptions {
  /** The job's private folder: one listening socket per rank, and the reports ranks leave. */
  dir: string;
  /** The ranks of the job's world (ProcessRankInit.size). */
  size: number;
  /** Ranks the job may ever hold, spawned ones included (default `size`; ProcessRankInit.lines). */
  capacity?: number;
  /**
   * Whether a rank's clean end is announced to the others (an `exited` message, saying
   * whether it had a connection to them): a job's ranks see PeerExitedError. A pool
   * replaces a rank instead, so it does not.
   */
  announceExits: boolean;
  /** The rank's messages besides `ready` (aborts, answers to deadlock checks and reports). */
  onMessage?: (rank: number, m: ToLauncher) => void;
  /** How IPC messages are encoded (default 'json'); 'advanced' is V8's structured clone (a cluster's values). */
  serialization?: 'json' | 'advanced';
}

/** A rank process started by a ProcessSupervisor; ready once it says it listens. */
export class ProcessRank extends SupervisedRank {
  private killer: NodeJS.Timeout | undefined;

  constructor(
    rank: number,
    name: string,
    readonly child: ChildProcess,
  ) {
    super(rank, name, child);
  }

  override end(end: RankEnd): void {
    clearTimeout(this.killer);
    super.end(end);
  }

  /** Sends `m` over IPC if the rank is still connected; a send to a rank that has just gone is dropped. */
  send(m: ToRank): void {
    if (this.child.connected) this.child.send(m, (err: Error | null) => void err);
  }

  /** Ends the process: SIGKILL at once, or SIGTERM then SIGKILL after `graceMs`. */
  kill(graceMs = 0): void {
    if (!this.running) return;
    if (graceMs <= 0) {
      this.child.kill('SIGKILL');
      return;
    }
    this.child.kill('SIGTERM');
    this.killer ??= setTimeout(() => this.child.kill('SIGKILL'), graceMs);
  }
}

/**
 * The processes transport's supervisor: starts rank processes at any time in the job's
 * folder, says when each listens (its `ready` message) and when and why it ended (exit
 * code, signal, the error report it left), and announces clean ends to the other ranks.
 * launch() and process pools start their ranks here.
 */
export class ProcessSupervisor implements Supervisor<ProcessSpec, ProcessRank> {
  readonly jobId = newJobId();
  private readonly ranks: (ProcessRank | undefined)[] = [];

  constructor(private readonly options: ProcessSupervisorOptions) {}

  start(rank: number, spec: ProcessSpec): ProcessRank {
    if (this.ranks[rank]?.running) throw new Error(`Rank ${rank} is still running`);
    const init: ProcessRankInit = {
      jobId: this.jobId,
      rank,
      size: this.options.size,
      dir: this.options.dir,
      script: spec.script,
      ...(this.options.capacity !== undefined && { lines: this.options.capacity }),
      ...(spec.spawned && { spawned: spec.spawned }),
    };
    const child = spawn(process.execPath, [...(spec.execArgv ?? []), spec.entry, ...(spec.args ?? [])], {
      stdio: [...spec.stdio, 'ipc'],
      ...(spec.detached && { detached: true }),
      serialization: this.options.serialization ?? 'json',
      env: { ...process.env, ...spec.env, [INIT_ENV]: JSON.stringify(init) },
    });
    const handle = new ProcessRank(rank, spec.name, child);
    child.on('message', (m: ToLauncher) => {
      if (m.type === 'ready') handle.isReady();
      else this.options.onMessage?.(rank, m);
    });
    child.on('error', (err) => {
      // Never started (no pid): no exit will come.
      if (child.pid === undefined) handle.end({ code: 1, signal: null, error: asError(err), leftover: 0 });
    });
    // The exit is handled once the IPC channel is closed too, so an abort sent just before it is never missed.
    child.on('exit', (code, signal) => {
      if (child.connected) child.once('disconnect', () => this.onExit(handle, code, signal));
      else this.onExit(handle, code, signal);
    });
    this.ranks[rank] = handle;
    return handle;
  }

  get(rank: number): ProcessRank | undefined {
    return this.ranks[rank];
  }

  /** Ends `rank`'s process with SIGKILL now, or SIGTERM then SIGKILL after `graceMs`. */
  stop(rank: number, graceMs = 0): void {
    this.ranks[rank]?.kill(graceMs);
  }

  /** The ranks that still run. */
  running(): ProcessRank[] {
    return this.ranks.filter((h): h is ProcessRank => h?.running === true);
  }

  private onExit(handle: ProcessRank, code: number | null, signal: NodeJS.Signals | null): void {
    const { dir } = this.options;
    const end: RankEnd = {
      code: exitCodeOf(code, signal),
      signal,
      error: readErrorReport(dir, handle.rank),
      leftover: Number(takeText(leftoverFile(dir, handle.rank)) ?? 0),
    };
    const links = takeText(linksFile(dir, handle.rank));
    handle.running = false;
    if (this.options.announceExits && end.code === 0 && !signal) this.announceExit(handle.rank, links);
    handle.end(end);
  }

  // Tells the others that `rank` ended cleanly, and which of them it had connected to (`links`: its ExitReport).
  private announceExit(rank: number, links: string | undefined): void {
    const exit = links ? (JSON.parse(links) as ExitReport) : { connected: [], unsent: 0 };
    if (exit.unsent > 0)
      process.stderr.write(
        `ranks: warning: rank ${rank} exited with ${exit.unsent} byte(s) of sends not yet written (process.exit() before the socket took them); they are lost\n`,
      );
    const connected = new Set(exit.connected);
    for (const h of this.running()) h.send({ type: 'exited', rank, connected: connected.has(h.rank) });
  }
}

/** A report a rank left in the job's folder, removed as it is read: a later rank of that number does not inherit it. */
function takeText(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    rmSync(path, { force: true });
    return text;
  } catch {
    return undefined;
  }
}

/**
 * The error `rank` died of, from the report it left in the job's folder (see
 * transport/processes/rank.ts), rebuilt with the same name, message, code and stack.
 */
export function readErrorReport(dir: string, rank: number): Error | undefined {
  const file = errorFile(dir, rank);
  const text = takeText(file);
  if (text === undefined) return undefined;
  let e: ErrorReport;
  try {
    e = JSON.parse(text) as ErrorReport;
  } catch {
    return undefined; // cut short as it was written: the exit code says the rest
  }
  const err = new Error(e.message);
  Object.defineProperty(err, 'name', { value: e.name, configurable: true, writable: true });
  if (e.code !== undefined) Object.assign(err, { code: e.code });
  err.stack = e.stack ?? `${e.name}: ${e.message}`;
  return err;
}
