// What a farm reports: one result per job that ran, and the totals.
import type { JobOutcome } from './job.ts';

/** One job that ran. */
export interface JobResult {
  /** The job number (`{#}`): the input's 1-based position in the input list. */
  job: number;
  /** Its arguments, space-separated (one per input source). */
  input: string;
  /** Its arguments, one per input source. */
  args: string[];
  /** The shell command it ran. */
  command: string;
  /** The job slot it ran in (`{%}`): 1 to `jobs`. */
  slot: number;
  /** The exit code, or null when it ended by a signal or could not start. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** When it started, epoch milliseconds. */
  startTime: number;
  /** How long it ran. */
  seconds: number;
  /** The last bytes of its stdout and stderr (`tail` option). */
  stdout: string;
  stderr: string;
  /** Killed because it ran past `timeout`. */
  timedOut: boolean;
  /** Killed because the farm halted (`halt: 'now,…'`) or was aborted. */
  halted: boolean;
  /** Exited 0 in time. */
  ok: boolean;
  /** Why the command could not be started, if it could not. */
  error?: string;
}

/** An input read but never started, because the farm halted. */
export interface NotStarted {
  job: number;
  input: string;
  args: string[];
}

/** What `farm()` resolves with. */
export interface FarmResult {
  /** Every job that ran, by job number (none with `collect: false`). */
  jobs: JobResult[];
  succeeded: number;
  /** Jobs that failed: non-zero exit, a signal, a timeout, or no start (jobs stopped by a halt are not counted). */
  failed: number;
  /** Inputs skipped because they succeeded in the joblog (`resume`). */
  skipped: number;
  /** Inputs read but never started because the farm halted. */
  notRun: number;
  /** Those inputs, by job number (inputs not yet read when the farm halted are not listed). */
  notStarted: NotStarted[];
  /** True when `halt` stopped the farm early. */
  halted: boolean;
  /** 0 when no job failed, else the number of failed jobs, at most 101 (GNU parallel's convention). */
  exitCode: number;
}

/** A worker's outcome as the result users see. */
export function toResult(o: JobOutcome): JobResult {
  const r: JobResult = {
    job: o.job,
    input: o.input,
    args: o.args,
    command: o.command,
    slot: o.slot,
    exitCode: o.exitCode,
    signal: o.signal,
    startTime: o.startTime,
    seconds: o.seconds,
    stdout: o.stdout,
    stderr: o.stderr,
    timedOut: o.timedOut,
    halted: o.halted,
    ok: o.exitCode === 0 && !o.timedOut && !o.halted,
  };
  if (o.error !== undefined) r.error = o.error;
  return r;
}

/** The farm's exit status: failures, capped at 101. */
export function exitStatus(failed: number): number {
  return Math.min(failed, 101);
}
