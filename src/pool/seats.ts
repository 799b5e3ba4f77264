import type { Chunk } from './chunks.ts';
import { claimedSlot, vetoSlot } from './workers.ts';

/** Chunks a worker may hold at once: the next is already there when one finishes. */
const DEPTH = 2;

interface Seat {
  /** Chunks sent to it and not answered, oldest first. */
  held: Chunk[];
  /** Calls sent to it since it started (for maxTasksPerWorker). */
  given: number;
  /** Not taking chunks while it is being replaced. */
  live: boolean;
  /** Settles when a replacement under way has started. */
  ready: Promise<void>;
}

/**
 * What each worker rank of a pool holds: the scheduler's view of ranks 1..size, and the
 * shared flags through which a chunk not started yet is withdrawn from its worker.
 */
export class Seats {
  private readonly seats: Seat[] = [];

  constructor(readonly size: number, private readonly flags: Int32Array, private readonly maxTasks: number | undefined) {
    for (let r = 0; r <= size; r++) this.seats.push({ held: [], given: 0, live: r > 0, ready: Promise.resolve() });
  }

  /**
   * The rank to send the next queued chunk to, or 0 if none should take one now: the live
   * rank holding least, below its call budget. A second chunk is prefetched only when
   * plenty is queued, so a lone task waits for an idle worker instead of queueing behind
   * a long one.
   */
  pick(queued: number): number {
    let best = 0;
    for (let r = 1; r <= this.size; r++) {
      const s = this.seats[r]!;
      if (!s.live || (this.maxTasks !== undefined && s.given >= this.maxTasks)) continue;
      if (best === 0 || s.held.length < this.seats[best]!.held.length) best = r;
    }
    if (best === 0 || this.seats[best]!.held.length >= (queued > this.size ? DEPTH : 1)) return 0;
    return best;
  }

  hold(chunk: Chunk, rank: number): void {
    const s = this.seats[rank]!;
    chunk.worker = rank;
    s.held.push(chunk);
    s.given += chunk.calls.length;
  }

  release(chunk: Chunk): void {
    if (chunk.worker === 0 || chunk.ghost) return;
    const held = this.seats[chunk.worker]!.held;
    const i = held.indexOf(chunk);
    if (i >= 0) held.splice(i, 1);
  }

  /**
   * Takes back a chunk its worker has not started (it stays held, as a ghost, until the
   * worker says it skipped it); false if the worker has started it.
   */
  withdraw(chunk: Chunk): boolean {
    const held = this.seats[chunk.worker]!.held;
    if (held[0] === chunk) return false;
    // Dekker-style with the worker's claim: at least one of us sees the other's store.
    Atomics.store(this.flags, vetoSlot(chunk.worker), chunk.id);
    if (Atomics.load(this.flags, claimedSlot(chunk.worker)) >= chunk.id) return false;
    chunk.ghost = true;
    return true;
  }

  /** A worker skipped a withdrawn chunk. */
  skipped(id: number): void {
    for (const s of this.seats) {
      const i = s.held.findIndex((c) => c.id === id);
      if (i >= 0) s.held.splice(i, 1);
    }
  }

  /** True while some worker holds a chunk (ghosts included). */
  holding(): boolean {
    return this.seats.some((s) => s.held.length > 0);
  }

  /** Live ranks that ran their call budget and hold nothing: due for a fresh worker. */
  spent(): number[] {
    if (this.maxTasks === undefined) return [];
    const out: number[] = [];
    for (let r = 1; r <= this.size; r++) {
      const s = this.seats[r]!;
      if (s.live && s.given >= this.maxTasks && s.held.length === 0) out.push(r);
    }
    return out;
  }

  /**
   * `rank` goes out of service until `started` settles; returns the live chunks it held,
   * oldest first, for the queue.
   */
  vacate(rank: number, started: Promise<void>, onFail: (e: unknown) => void, onReady: () => void): Chunk[] {
    const s = this.seats[rank]!;
    s.live = false;
    s.ready = started.then(() => {
      s.given = 0;
      s.live = true;
      onReady();
    }, onFail);
    return s.held.splice(0).filter((c) => !c.ghost);
  }

  /** Settles when no replacement is under way. */
  ready(): Promise<unknown> {
    return Promise.all(this.seats.map((s) => s.ready));
  }
}
