import { constants } from 'node:os';
import { randomBytes } from 'node:crypto';

/** The exit code of a process that ended with `code` or was killed by `signal`: 128 + the signal's number, as a shell says. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

/** A job's id, unique on this machine (the pid) and across time: `<prefix><pid>-<time>-<random>`. */
export function newJobId(prefix = ''): string {
  return `${prefix}${process.pid}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** `err` as an Error (a thread may throw anything). */
export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
