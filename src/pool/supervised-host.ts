import type { RankEnd, RankHandle, Supervisor } from '../supervise/rank.ts';

/**
 * What a pool's thread and process hosts share: workers 1..size started on the
 * transport's supervisor, kept alive on demand, ended as asked, and replaced under the same
 * rank. A subclass says how to start a worker (`restart`).
 */
export abstract class SupervisedHost<H extends RankHandle> {
  /** terminate() was called: a replaced worker is not started again. */
  protected ended = false;

  /** `onDeath` hears of a worker that died without being asked to (crash, signal, process.exit, out of memory, failed initializer). */
  constructor(
    protected readonly ranks: Pick<Supervisor<never, H>, 'get' | 'stop'>,
    protected readonly size: number,
    private readonly onDeath: (rank: number, err: Error) => void,
  ) {}

  /** Keeps the process alive until the workers end (after close). */
  ref(): void {
    for (let rank = 1; rank <= this.size; rank++) this.ranks.get(rank)?.ref();
  }

  /** Resolves when `rank`'s worker has ended, as asked (a stop message or `replace`). */
  exited(rank: number): Promise<number> {
    return this.expect(rank).ended.then((end) => end.code);
  }

  /** Ends `rank`'s worker now if it still runs (unless `stop` is false) and starts a fresh one; resolves once it is started. */
  async replace(rank: number, stop = true): Promise<void> {
    const h = this.expect(rank);
    if (stop) this.ranks.stop(rank);
    await h.ended;
    if (!this.ended) await this.restart(rank);
  }

  /** Ends every worker now. */
  async terminate(): Promise<void> {
    this.ended = true;
    const ends: Promise<unknown>[] = [];
    for (let rank = 1; rank <= this.size; rank++) {
      const h = this.ranks.get(rank);
      if (!h) continue;
      this.expect(rank);
      this.ranks.stop(rank);
      ends.push(h.ended);
    }
    await Promise.all(ends);
  }

  /** Tells onDeath of `h`'s end unless it was asked for; `why` says how it ended (`failed: …`, `exited with code 3`). */
  protected watch(h: H, why: (end: RankEnd) => string | Promise<string>): void {
    void h.ended.then(async (end) => {
      if (h.expected) return;
      const message = `Pool worker ${h.rank} ${await why(end)} while the pool was open`;
      this.onDeath(h.rank, end.error ? new Error(message, { cause: end.error }) : new Error(message));
    });
  }

  /** Starts a fresh worker as `rank`; resolves once it is started as far as the pool needs. */
  protected abstract restart(rank: number): Promise<void> | void;

  // The end that follows is wanted; whoever waits on it is kept alive until it comes (an
  // idle worker is unref'd).
  private expect(rank: number): H {
    const h = this.ranks.get(rank)!;
    h.expectEnd();
    h.ref();
    return h;
  }
}
