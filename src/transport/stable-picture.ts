import type { BlockedWait } from '../errors.ts';

/** How many consecutive identical "all blocked" pictures make a deadlock. */
const STABLE_CHECKS = 3;

/**
 * What both deadlock detectors (threads and processes) share: a job is deadlocked once the
 * same picture of every live rank blocked has been seen at several checks in a row.
 */
export class StablePicture {
  private last = '';
  private stable = 0;

  /**
   * Records this check's picture of a job with every live rank blocked (`waits`); returns
   * the waits once the same picture was seen at STABLE_CHECKS checks in a row, else undefined.
   */
  seen(picture: string, waits: BlockedWait[]): BlockedWait[] | undefined {
    this.stable = picture === this.last ? this.stable + 1 : 1;
    this.last = picture;
    return this.stable >= STABLE_CHECKS ? waits : undefined;
  }

  /** Forgets the pictures seen (some rank is not blocked, or the job moved); returns undefined. */
  reset(): undefined {
    this.stable = 0;
    this.last = '';
    return undefined;
  }
}
