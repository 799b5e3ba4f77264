import type { BlockedWait } from '../errors.ts';
import { EPOCH, OP_CODES, STATE, WAIT_OP, WAIT_PEER, WAIT_PENDING, WAIT_TAG, WaitState, DOORBELL, slot } from '../transport/threads/control.ts';

/** How many consecutive identical "all blocked" pictures make a deadlock. */
const STABLE_CHECKS = 3;

/**
 * Watches the control block from the launcher. Ranks describe their wait only when they
 * go to sleep (never on the hot path); a deadlock is every live rank asleep on ranks
 * operations alone, with no doorbell rung and no state change across several checks.
 */
export class DeadlockDetector {
  private last = '';
  private stable = 0;

  constructor(private readonly ctl: Int32Array, private readonly size: number) {}

  /** Returns the waits when the job is deadlocked, else undefined. */
  check(): BlockedWait[] | undefined {
    const waits: BlockedWait[] = [];
    let picture = '';
    for (let r = 0; r < this.size; r++) {
      const state = Atomics.load(this.ctl, slot(r, STATE));
      if (state === WaitState.Exited) continue;
      if (state !== WaitState.Blocked) return this.reset();
      picture += `${r}:${Atomics.load(this.ctl, slot(r, EPOCH))}:${Atomics.load(this.ctl, slot(r, DOORBELL))},`;
      waits.push({
        rank: r,
        op: OP_CODES[Atomics.load(this.ctl, slot(r, WAIT_OP))] as BlockedWait['op'],
        peer: Atomics.load(this.ctl, slot(r, WAIT_PEER)),
        tag: Atomics.load(this.ctl, slot(r, WAIT_TAG)),
        pending: Atomics.load(this.ctl, slot(r, WAIT_PENDING)),
      });
    }
    if (waits.length === 0) return this.reset();
    this.stable = picture === this.last ? this.stable + 1 : 1;
    this.last = picture;
    return this.stable >= STABLE_CHECKS ? waits : undefined;
  }

  private reset(): undefined {
    this.stable = 0;
    this.last = '';
    return undefined;
  }
}
