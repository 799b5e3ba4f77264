// The chunks a pool's scheduler answers for: each live one (queued, sent or running) by
// id, and the queued ones in order. Taking a chunk off the books is one function whatever
// its state, so that none is left half-forgotten.
import { dropSettled, type Chunk } from './chunks.ts';
import { markDone } from './lifecycle.ts';
import { ChunkQueue } from './chunk-queue.ts';
import type { Seats } from './seats.ts';

export class Book {
  private readonly live = new Map<number, Chunk>();
  private readonly queue = new ChunkQueue();
  /** Waiting for the books to be empty (close()). */
  private drained: (() => void)[] = [];

  constructor(private readonly seats: Seats) {}

  /** Live chunks. */
  get size(): number {
    return this.live.size;
  }

  /** Queued chunks. */
  get queued(): number {
    return this.queue.length;
  }

  /** A new chunk, queued last. */
  admit(chunk: Chunk): void {
    this.live.set(chunk.id, chunk);
    this.queue.push(chunk);
  }

  /** The live chunk `id`, if it is. */
  get(id: number): Chunk | undefined {
    return this.live.get(id);
  }

  /** Every live chunk. */
  all(): Chunk[] {
    return [...this.live.values()];
  }

  /** The first queued chunk with calls left, out of the queue; chunks whose calls were all cancelled are forgotten on the way. */
  next(): Chunk | undefined {
    for (let chunk = this.queue.shift(); chunk; chunk = this.queue.shift()) {
      if (dropSettled(chunk)) return chunk;
      this.drop(chunk);
    }
    return undefined;
  }

  /** Chunks queued again (a worker's, being replaced), first in the queue, in their order. */
  putBack(chunks: readonly Chunk[]): void {
    for (let i = chunks.length - 1; i >= 0; i--) this.queue.unshift(chunks[i]!);
  }

  /**
   * Takes a chunk off the books: its calls are no longer awaited here. Queued: out of the
   * queue, done. Sent or running: its worker's seat lets it go, done. Withdrawn: it stays
   * with its worker until the worker says it skipped it.
   */
  forget(chunk: Chunk): void {
    if (chunk.state.kind === 'queued') this.queue.remove(chunk);
    this.drop(chunk);
  }

  /** Takes every live chunk off the books; returns them. */
  forgetAll(): Chunk[] {
    const all = this.all();
    this.queue.clear();
    for (const chunk of all) this.drop(chunk);
    return all;
  }

  /** Resolves once no chunk is live. */
  whenEmpty(): Promise<void> {
    return this.live.size === 0 ? Promise.resolve() : new Promise((resolve) => this.drained.push(resolve));
  }

  /** Wakes whenEmpty()'s waiters if no chunk is live. */
  checkEmpty(): void {
    if (this.live.size === 0) for (const d of this.drained.splice(0)) d();
  }

  /** Off the books, the chunk being out of the queue already. */
  private drop(chunk: Chunk): void {
    this.live.delete(chunk.id);
    chunk.batch?.chunks.delete(chunk);
    const kind = chunk.state.kind;
    if (kind === 'queued') markDone(chunk);
    else if (kind === 'sent' || kind === 'running') this.seats.release(chunk);
  }
}
