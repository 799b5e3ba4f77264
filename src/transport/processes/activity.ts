import type { RankState } from './messages.ts';
import type { Matcher } from '../matching.ts';

/**
 * Whether anything but ranks could still wake this process: a timer, a file, a child, a
 * socket or pipe that is not ranks' own. `ownPipes` is how many ref'd pipe handles ranks
 * holds (its listening socket while an operation is pending). Standard output and error
 * (a pipe, or a terminal) only write, so they count as ours too. Errs towards "active":
 * a wrong "active" delays a deadlock report, a wrong "idle" would stop a job that was
 * only slow.
 */
export function othersActive(ownPipes: number): boolean {
  const left = new Map<string, number>([['PipeWrap', ownPipes]]);
  for (const stream of [process.stdout, process.stderr]) {
    const kind = (stream as unknown as { _handle?: object })._handle?.constructor.name;
    if (kind === 'Pipe' || kind === 'TTY') left.set(`${kind}Wrap`, (left.get(`${kind}Wrap`) ?? 0) + 1);
  }
  for (const r of process.getActiveResourcesInfo()) {
    const n = left.get(r) ?? 0;
    if (n === 0) return true;
    left.set(r, n - 1);
  }
  return false;
}

/** A rank's part of a deadlock check: what it waits for, and its message counts. */
export function rankState(matcher: Matcher, sending: boolean, ownPipes: number, sent: readonly number[], arrived: readonly number[]): RankState {
  const w = matcher.oldestWait();
  const pairs = (counts: readonly number[]): [number, number][] => counts.flatMap((n, r) => (n ? [[r, n] as [number, number]] : []));
  const s = pairs(sent);
  const a = pairs(arrived);
  const total = (p: [number, number][]): number => p.reduce((k, [, n]) => k + n, 0);
  return {
    blocked: w !== undefined && !sending && !othersActive(ownPipes),
    op: w?.op ?? 'recv',
    peer: w?.peer ?? -1,
    tag: w?.tag ?? -1,
    pending: matcher.pending,
    sig: `${matcher.settled}:${matcher.pending}:${matcher.unexpected.length}:${total(s)}:${total(a)}`,
    sent: s,
    arrived: a,
  };
}
