import { RankFailedError } from '../errors.ts';
import type { RankEnd } from '../supervise/rank.ts';

// What launch() makes of a rank's end, over either transport.

/** The job's error for a rank that died of `err` (what it threw, or the report it left). */
export function failed(rank: number, code: number, err: Error, who = `Rank ${rank}`): RankFailedError {
  return new RankFailedError(rank, code || 1, `${who} failed: ${err.name}: ${err.message}`, { cause: err });
}

/** Warns of messages the rank left unreceived, unless the job has already failed (then they are no news). */
export function warnLeftover(rank: number, end: RankEnd, failure: Error | undefined): void {
  if (end.leftover > 0 && !failure) process.stderr.write(`ranks: warning: rank ${rank} exited with ${end.leftover} message(s) it never received\n`);
}
