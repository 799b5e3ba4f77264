// Sends waiting for room in a peer's ring: queued per link in order, written as the reader
// frees room (flush), failed together when the peer is gone (fail). WANTS_ROOM tells the
// readers that a drain should ring this rank.
import { WANTS_ROOM, slot, wake } from './control.ts';
import type { RingOutLink, PendingSend } from './links.ts';

export class SendQueue {
  /** Links with sends waiting, in the order they started waiting. */
  readonly links: RingOutLink[] = [];
  /** Sends waiting, and sends settled (written or failed) so far. */
  pending = 0;
  settled = 0;

  constructor(
    private readonly ctl: Int32Array,
    private readonly rank: number,
  ) {}

  /** Queues `s` behind `link`'s other waiting sends. */
  add(link: RingOutLink, s: PendingSend): void {
    if (link.queue.push(s) === 1 && this.links.push(link) === 1) Atomics.store(this.ctl, slot(this.rank, WANTS_ROOM), 1);
    this.pending++;
  }

  /** Withdraws `s` if none of it was written yet; true if it was. */
  cancel(link: RingOutLink, s: PendingSend): boolean {
    const i = link.queue.indexOf(s);
    if (s.sent > 0 || s.offered !== 0 || i < 0) return false;
    link.queue.splice(i, 1);
    this.pending--;
    return true;
  }

  /** Writes what fits of the waiting sends (withdrawing offers nobody took when `withdraw`); true if anything went out. */
  flush(withdraw = false): boolean {
    let any = false;
    for (let i = 0; i < this.links.length;) {
      const link = this.links[i]!;
      let wrote = false;
      while (link.queue.length > 0) {
        const s = link.queue[0]!;
        const before = s.sent;
        const done = link.push(s, withdraw);
        if (s.sent !== before || done) wrote = true;
        if (!done) {
          // A receiver copying an offered message now: say so, so the loop spins for its end.
          if (s.offered !== 0 && link.bulk.copying()) any = true;
          break;
        }
        link.queue.shift();
        this.settle();
        s.op!.resolve(undefined);
      }
      if (wrote) {
        wake(this.ctl, link.dest);
        any = true;
      }
      if (link.queue.length > 0) i++;
      else this.unlist(i);
    }
    return any;
  }

  /** Fails every send waiting on `link` with `err(send)` (its peer is gone). */
  fail(link: RingOutLink, err: (s: PendingSend) => Error): void {
    const i = this.links.indexOf(link);
    if (i >= 0) this.unlist(i);
    for (const s of link.queue.splice(0)) {
      this.settle();
      // An offer the peer copied before it ended was delivered: it only waited to be seen.
      if (s.offered !== 0 && link.bulk.taken()) s.op!.resolve(undefined);
      else s.op!.reject(err(s));
    }
  }

  private settle(): void {
    this.pending--;
    this.settled++;
  }

  private unlist(i: number): void {
    this.links.splice(i, 1);
    if (this.links.length === 0) Atomics.store(this.ctl, slot(this.rank, WANTS_ROOM), 0);
  }
}
