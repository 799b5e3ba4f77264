// Ending one of a pool's workers and starting a fresh one in its place: a worker whose
// running call was stopped (ended now), and a worker that ran its maxTasksPerWorker calls
// (told to stop, then replaced).
import { BrokenPoolError, PeerExitedError } from '../errors.ts';
import type { Chunk } from './chunks.ts';
import { TASK } from './protocol.ts';
import type { Seats } from './seats.ts';
import type { SchedulerWorld } from './world.ts';

const TASK_TAG = { tag: TASK } as const;

/** What the scheduler does when a worker is replaced. */
export interface TurnoverHooks {
  /** The chunks the worker held and did not finish, oldest first, already back in the queued state. */
  requeue(chunks: Chunk[]): void;
  /** The fresh worker has started: chunks may go to it. */
  ready(): void;
  /** The fresh worker could not be started: the pool is broken. */
  fail(err: BrokenPoolError): void;
}

export class Turnover {
  constructor(
    private readonly world: SchedulerWorld,
    private readonly seats: Seats,
    private readonly hooks: TurnoverHooks,
  ) {}

  /** Ends `rank`'s worker now and starts another; the chunks it held go back to the front of the queue. */
  replace(rank: number): void {
    this.world.reset?.(rank, new PeerExitedError(rank, 'A task sent to a replaced worker'));
    this.hooks.requeue(this.vacate(rank, this.world.host.replace(rank)));
  }

  /**
   * Workers that have run maxTasksPerWorker calls and hold nothing are told to stop and
   * replaced by fresh ones, at most `wanted` of them: once closing, only as many as the
   * queued chunks still need (a spent worker left standing with work queued would hang
   * close(): CPython's bug 10332).
   */
  retireSpent(wanted: number): void {
    if (wanted === 0) return;
    const { comm, host, reset } = this.world;
    for (const rank of this.seats.spent()) {
      if (wanted-- === 0) break;
      const ended = host.exited(rank);
      comm.isend(null, rank, TASK_TAG).then(undefined, () => undefined);
      this.vacate(
        rank,
        ended.then(() => {
          reset?.(rank, new PeerExitedError(rank, 'A task sent to a retired worker'));
          return host.replace(rank, false);
        }),
      );
    }
  }

  private vacate(rank: number, started: Promise<void>): Chunk[] {
    const fail = (e: unknown): void => this.hooks.fail(new BrokenPoolError(`A pool worker could not be replaced: ${(e as Error).message}`, { cause: e }));
    return this.seats.vacate(rank, started, fail, () => this.hooks.ready());
  }
}
