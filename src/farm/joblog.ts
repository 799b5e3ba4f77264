// --joblog: GNU parallel's tab-separated job log (Seq, Host, Starttime, JobRuntime, Send,
// Receive, Exitval, Signal, Command) plus the job's Input, which --resume matches on.
import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { constants } from 'node:os';
import type { JobOutcome } from './job.ts';

const HEADER = 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\tInput\n';

// Tabs and newlines inside a command or input would break the line: escape them.
function escape(s: string): string {
  return s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * The Input column: the job's arguments, each escaped, separated by `\\0` (a backslash and
 * a zero, which escaping never writes otherwise). One argument reads as it always did.
 */
export function encodeInput(args: readonly string[]): string {
  return args.map(escape).join('\\0');
}

/** The log line of one job. */
export function joblogLine(o: JobOutcome): string {
  const signal = o.signal ? (constants.signals[o.signal] ?? 0) : 0;
  const fields = [o.job, ':', (o.startTime / 1000).toFixed(3), o.seconds.toFixed(3), 0, 0, o.exitCode ?? -1, signal, escape(o.command), encodeInput(o.args)];
  return `${fields.join('\t')}\n`;
}

/** Appends job lines to a log file (a fresh one, or the end of an old one with `append`). */
export class Joblog {
  private readonly fd: number;

  constructor(path: string, append: boolean) {
    const fresh = !append || !existsSync(path) || statSync(path).size === 0;
    this.fd = openSync(path, append ? 'a' : 'w');
    if (fresh) writeSync(this.fd, HEADER);
  }

  write(o: JobOutcome): void {
    writeSync(this.fd, joblogLine(o));
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * How many times each job's arguments (their Input column) appear in an existing log, for
 * resuming: `'all'` counts every logged job, done or failed (GNU parallel's --resume),
 * `'succeeded'` only those that exited 0 with no signal (--resume-failed reruns the
 * others). An absent log has none.
 */
export function loggedInputs(path: string, which: 'all' | 'succeeded'): Map<string, number> {
  const logged = new Map<string, number>();
  if (!existsSync(path)) return logged;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const f = line.split('\t');
    if (f.length < 10 || f[0] === 'Seq') continue;
    if (which === 'succeeded' && (f[6] !== '0' || f[7] !== '0')) continue;
    logged.set(f[9]!, (logged.get(f[9]!) ?? 0) + 1);
  }
  return logged;
}
