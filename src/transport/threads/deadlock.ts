import type { BlockedWait } from '../../errors.ts';
import { StablePicture } from '../stable-picture.ts';
import { ringHasData } from './ring.ts';
import { EPOCH, OP_CODES, STATE, WAIT_BELL, WAIT_OP, WAIT_PEER, WAIT_PENDING, WAIT_TAG, WaitState, DOORBELL, slot } from './control.ts';

/**
 * Watches the control block from the supervisor's side (launch() looks with it). Ranks describe their wait only when they
 * go to sleep (never on the hot path); a deadlock is every live rank asleep on ranks
 * operations alone, none rung since it fell asleep, and no state change across several checks.
 */
export class DeadlockDetector {
  private readonly pictures = new StablePicture();

  /**
   * `rings[r]` are the rings into rank r (the launcher forwards each one). A rank asleep
   * with unread records in one of them missed a wake: it is rung, not reported.
   */
  constructor(
    private readonly ctl: Int32Array,
    private readonly size: number,
    private readonly rings: readonly SharedArrayBuffer[][] = [],
  ) {}

  /** Returns the waits when the job is deadlocked, else undefined. With `live`, only the ranks it marks count (a cluster's busy engines). */
  check(live?: readonly boolean[]): BlockedWait[] | undefined {
    const waits: BlockedWait[] = [];
    let picture = '';
    for (let r = 0; r < this.size; r++) {
      if (live && !live[r]) continue;
      const state = Atomics.load(this.ctl, slot(r, STATE));
      if (state === WaitState.Exited) continue;
      if (state !== WaitState.Blocked) return this.pictures.reset();
      // Rung since it fell asleep: the wake is on its way (the thread may be in a long
      // garbage collection or waiting for a core), so the rank is not blocked.
      if (Atomics.load(this.ctl, slot(r, DOORBELL)) !== Atomics.load(this.ctl, slot(r, WAIT_BELL))) return this.pictures.reset();
      if (this.rings[r]?.some(ringHasData)) {
        wakeNow(this.ctl, r);
        return this.pictures.reset();
      }
      picture += `${r}:${Atomics.load(this.ctl, slot(r, EPOCH))}:${Atomics.load(this.ctl, slot(r, DOORBELL))},`;
      waits.push({
        rank: r,
        op: OP_CODES[Atomics.load(this.ctl, slot(r, WAIT_OP))] as BlockedWait['op'],
        peer: Atomics.load(this.ctl, slot(r, WAIT_PEER)),
        tag: Atomics.load(this.ctl, slot(r, WAIT_TAG)),
        pending: Atomics.load(this.ctl, slot(r, WAIT_PENDING)),
      });
    }
    if (waits.length === 0) return this.pictures.reset();
    return this.pictures.seen(picture, waits);
  }
}

function wakeNow(ctl: Int32Array, rank: number): void {
  Atomics.add(ctl, slot(rank, DOORBELL), 1);
  Atomics.notify(ctl, slot(rank, DOORBELL));
}
