import type { Chunk } from './chunks.ts';

/**
 * The scheduler's queue of chunks, first in first out. An array with a head index, so
 * that taking from the front costs O(1) however long the queue (Array#shift on 20 000
 * chunks made scheduling quadratic); a removed chunk is only marked, and skipped when
 * its turn comes.
 */
export class ChunkQueue {
  private items: (Chunk | undefined)[] = [];
  private head = 0;
  private readonly removed = new Set<Chunk>();
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(chunk: Chunk): void {
    this.items.push(chunk);
    this.count++;
  }

  /** Puts `chunk` at the front (a chunk taken back from a replaced worker). */
  unshift(chunk: Chunk): void {
    if (this.head > 0) this.items[--this.head] = chunk;
    else this.items.unshift(chunk);
    this.count++;
  }

  shift(): Chunk | undefined {
    while (this.head < this.items.length) {
      const chunk = this.items[this.head];
      this.items[this.head++] = undefined;
      if (!chunk) continue;
      if (this.removed.delete(chunk)) continue;
      this.count--;
      this.compact();
      return chunk;
    }
    return undefined;
  }

  /** Takes a queued chunk out of the queue. */
  remove(chunk: Chunk): void {
    if (this.removed.has(chunk)) return;
    this.removed.add(chunk);
    this.count--;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.removed.clear();
    this.count = 0;
  }

  private compact(): void {
    if (this.count === 0 && this.removed.size === 0) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
