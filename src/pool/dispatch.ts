// Handing chunks to a pool's workers: one message per worker and pass, arguments holding
// shared memory by the worker's side port, and the fallbacks when something cannot be sent.
import { BrokenPoolError, DataCloneError, isRanksError } from '../errors.ts';
import { holdsShared, share } from '../sync/share.ts';
import { unpackCalls } from './packed-calls.ts';
import { dropUnclonable, taskMessage, type Chunk } from './chunks.ts';
import type { WorkerHost } from './host.ts';
import { isHeldBy } from './lifecycle.ts';
import { TASK, type TaskMessage } from './protocol.ts';
import type { PoolLink } from './world.ts';

const TASK_TAG = { tag: TASK } as const;

export class Dispatch {
  /** Chunks added per rank since the last flush, and the ranks that have some. */
  private readonly outbox: Chunk[][] = [];
  private readonly bound: number[] = [];

  /**
   * @param lost settles a chunk that could not be sent, with `err` (a send that failed late
   *   finds the chunk stopped or moved, and then leaves it: see isHeldBy)
   */
  constructor(
    private readonly comm: PoolLink,
    private readonly host: WorkerHost,
    private readonly lost: (chunk: Chunk, err: unknown) => void,
  ) {}

  /** Queues `chunk` for `rank` until flush(). */
  add(chunk: Chunk, rank: number): void {
    const box = (this.outbox[rank] ??= []);
    if (box.push(chunk) === 1) this.bound.push(rank);
  }

  /** Sends what add() queued: the chunks bound for one worker travel as one message. */
  flush(): void {
    const bound = this.bound;
    for (let i = 0; i < bound.length; i++) this.batch(this.outbox[bound[i]!]!.splice(0), bound[i]!);
    bound.length = 0;
  }

  private batch(chunks: Chunk[], rank: number): void {
    if (chunks.length === 1) return this.one(chunks[0]!, rank, false);
    // Locks, queues and shared memory would be copied by the ring's serializer: they go
    // by the worker's side port, and a placeholder through the ring keeps the order.
    const side = chunks.map((c) => Array.isArray(c.calls) && holdsShared(c.calls) && this.postSide(c, rank));
    const msg = chunks.map((c, i) => taskMessage(c, side[i] ? null : c.calls, i > 0 && chunks[i - 1]!.task === c.task));
    this.send(msg, rank, () => {
      // Something in the batch cannot be sent: each chunk again on its own, so only the
      // calls at fault fail. Nothing of the batch reached the worker.
      chunks.forEach((c, i) => {
        if (isHeldBy(c, rank)) this.one(c, rank, side[i]!);
      });
    });
  }

  /** Sends one chunk (`posted`: its calls already went by the side port). */
  private one(chunk: Chunk, rank: number, posted: boolean): void {
    const side = posted || (Array.isArray(chunk.calls) && holdsShared(chunk.calls) && this.postSide(chunk, rank));
    const msg = [taskMessage(chunk, side ? null : chunk.calls)];
    this.send(msg, rank, (err) => {
      if (!isHeldBy(chunk, rank)) return;
      // One call's bad argument rejects that call only, with a path that names it
      // (`arguments[0].handler`, not the message's own layout): the rest of its chunk goes on.
      if (err instanceof DataCloneError && dropUnclonable(chunk)) {
        this.send([taskMessage(chunk, chunk.calls)], rank, (again) => {
          if (isHeldBy(chunk, rank)) this.lost(chunk, again);
        });
        return;
      }
      this.lost(chunk, err instanceof DataCloneError || !isRanksError(err) ? err : new BrokenPoolError((err as Error).message, { cause: err }));
    });
  }

  /**
   * Sends `msg` to `rank`; `failed` runs on a failure, always after this call returns. A
   * send that is over at once (the usual case: the ring had room) costs no promise.
   */
  private send(msg: TaskMessage[], rank: number, failed: (err: unknown) => void): void {
    const req = this.comm.isend(msg, rank, TASK_TAG);
    if (!req.done) {
      req.then(undefined, failed);
      return;
    }
    try {
      req.test();
    } catch (err) {
      queueMicrotask(() => failed(err));
    }
  }

  /** Posts the chunk's calls by the side port; false if they cannot go by postMessage either (the ring's send then reports why). */
  private postSide(chunk: Chunk, rank: number): boolean {
    try {
      this.host.postSide(rank, share(unpackCalls(chunk.calls)));
      return true;
    } catch {
      return false;
    }
  }
}
