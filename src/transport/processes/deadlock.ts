import type { BlockedWait } from '../../errors.ts';
import { StablePicture } from '../stable-picture.ts';
import type { RankState } from './messages.ts';

/**
 * The processes transport's deadlock detector, in the launcher. Ranks share no memory to
 * watch, so at each check the launcher asks every live rank for its state over IPC (a rank
 * busy in its own code does not answer, and is not blocked). A deadlock is every live rank
 * answering "blocked" (waiting in a receive or probe, sending nothing, with nothing but
 * ranks to wake it), no message in flight between live ranks (each pair's sent count equals
 * its arrived count), and no rank's operations moving across several checks.
 */
export class ProcessDeadlockDetector {
  private answers: (RankState | undefined)[] = [];
  private readonly pictures = new StablePicture();

  /** A rank's answer to the current round. */
  answer(rank: number, state: RankState): void {
    this.answers[rank] = state;
  }

  /**
   * Judges the round that ends now (`live[r]`: rank r has not exited) and starts the next;
   * returns the waits when the job is deadlocked.
   */
  check(live: readonly boolean[]): BlockedWait[] | undefined {
    const answers = this.answers;
    this.answers = [];
    const waits: BlockedWait[] = [];
    const arrived = new Map<string, number>();
    let picture = '';
    for (let r = 0; r < live.length; r++) {
      if (!live[r]) continue;
      const a = answers[r];
      if (!a?.blocked) return this.pictures.reset();
      for (const [source, n] of a.arrived) arrived.set(`${source}>${r}`, n);
      picture += `${r}:${a.sig},`;
      waits.push({ rank: r, op: a.op, peer: a.peer, tag: a.tag, pending: a.pending });
    }
    if (waits.length === 0) return this.pictures.reset();
    for (const w of waits) {
      for (const [dest, n] of answers[w.rank]!.sent) {
        if (live[dest] && dest !== w.rank && (arrived.get(`${w.rank}>${dest}`) ?? 0) !== n) return this.pictures.reset();
      }
    }
    return this.pictures.seen(picture, waits);
  }
}
