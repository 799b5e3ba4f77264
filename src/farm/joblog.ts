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

function unescape(s: string): string {
  return s.replace(/\\([\\tnr])/g, (_, c: string) => (c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
}

/** The log line of one job. */
export function joblogLine(o: JobOutcome): string {
  const signal = o.signal ? (constants.signals[o.signal] ?? 0) : 0;
  const fields = [o.job, ':', (o.startTime / 1000).toFixed(3), o.seconds.toFixed(3), 0, 0, o.exitCode ?? -1, signal, escape(o.command), escape(o.input)];
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
 * How many times each input succeeded (exit 0, no signal) in an existing log, for
 * --resume; an absent log has none.
 */
export function succeededInputs(path: string): Map<string, number> {
  const done = new Map<string, number>();
  if (!existsSync(path)) return done;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const f = line.split('\t');
    if (f.length < 10 || f[0] === 'Seq') continue;
    if (f[6] !== '0' || f[7] !== '0') continue;
    const input = unescape(f[9]!);
    done.set(input, (done.get(input) ?? 0) + 1);
  }
  return done;
}
