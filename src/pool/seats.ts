import type { Chunk } from './chunks.ts';
import { callCount } from './packed-calls.ts';
import { claimedSlot, vetoSlot, type ClaimFlags } from './flags.ts';
import { LifecycleError, markDone, markQueued, markRunning, markSent, markWithdrawn } from './lifecycle.ts';

/**
 * Chunks a worker may hold at once when plenty is queued: the next ones are already in its
 * ring when one finishes, so tiny tasks run back to back instead of one per round trip to
 * rank 0. Below VETO_SLOTS, so every held chunk can be withdrawn.
 */
const MAX_DEPTH = 128;

interface Seat {
  /** Chunks sent to it and not answered (sent, running or withdrawn), oldest first. */
  held: Chunk[];
  /** Calls sent to it since it started (for maxTasksPerWorker). */
  given: number;
  /** Chunks sent to its thread so far (the last seq). */
  sent: number;
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

  constructor(
    readonly size: number,
    private readonly flags: ClaimFlags,
    private readonly maxTasks: number | undefined,
  ) {
    for (let r = 0; r <= size; r++) this.seats.push({ held: [], given: 0, sent: 0, live: r > 0, ready: Promise.resolve() });
  }

  /**
   * The rank to send the next queued chunk to, or 0 if none should take one now: the live
   * rank holding least, below its call budget. More chunks are prefetched only when
   * plenty is queued (up to the worker's share of the queue), so a lone task waits for
   * an idle worker instead of queueing behind a long one.
   */
  pick(queued: number): number {
    let best = 0;
    let held = 0;
    for (let r = 1; r <= this.size; r++) {
      const s = this.seats[r]!;
      held += s.held.length;
      if (!s.live || (this.maxTasks !== undefined && s.given >= this.maxTasks)) continue;
      if (best === 0 || s.held.length < this.seats[best]!.held.length) best = r;
    }
    // A worker's share counts what it holds already: from the queue left alone, a map of
    // 4 chunks per worker went out 2 at a time and then one per reply, each a round trip
    // to rank 0 while the worker idled.
    const outstanding = queued + held;
    const depth = queued > 1 && outstanding > this.size ? Math.min(MAX_DEPTH, Math.max(2, Math.ceil(outstanding / this.size))) : 1;
    if (best === 0 || this.seats[best]!.held.length >= depth) return 0;
    return best;
  }

  /** Sends a queued chunk to `rank` (queued → sent, or running when it is all the worker holds). */
  hold(chunk: Chunk, rank: number): void {
    const s = this.seats[rank]!;
    markSent(chunk, rank, ++s.sent);
    if (s.held.push(chunk) === 1) promote(s.held);
    s.given += callCount(chunk.calls);
  }

  /** A chunk its worker held is off the books (settled, failed, stopped or let go): sent or running → done. */
  release(chunk: Chunk): void {
    const state = chunk.state;
    if (state.kind !== 'sent' && state.kind !== 'running') throw new LifecycleError(chunk, 'done by its worker (no worker holds it)');
    const held = this.seats[state.worker]!.held;
    const i = held.indexOf(chunk);
    if (i >= 0) held.splice(i, 1);
    markDone(chunk);
    if (i === 0) promote(held);
  }

  /**
   * Takes back a chunk its worker has not started (sent → withdrawn: it stays held until
   * the worker says it skipped it); false if the worker has started it, or may have.
   */
  withdraw(chunk: Chunk): boolean {
    const state = chunk.state;
    if (state.kind !== 'sent') return false;
    // Dekker-style with the worker's claim: at least one of us sees the other's store.
    // Both may: then the worker skips a chunk rank 0 thinks it runs (see skipped()).
    this.flags.store(vetoSlot(state.worker, state.seq), state.seq);
    if (this.flags.load(claimedSlot(state.worker)) >= state.seq) return false;
    markWithdrawn(chunk);
    return true;
  }

  /**
   * A worker skipped chunk `id`. A withdrawn chunk is done. One that rank 0 did not get to
   * withdraw (its veto and the worker's claim each saw the other) is returned, back in
   * the queued state, to be sent again: its calls are still awaited.
   */
  skipped(id: number): Chunk | undefined {
    for (const s of this.seats) {
      const i = s.held.findIndex((c) => c.id === id);
      if (i < 0) continue;
      const chunk = s.held[i]!;
      s.held.splice(i, 1);
      if (chunk.state.kind === 'withdrawn') markDone(chunk);
      else markQueued(chunk);
      if (i === 0) promote(s.held);
      return chunk.state.kind === 'queued' ? chunk : undefined;
    }
    return undefined;
  }

  /** True while some worker holds a chunk (withdrawn ones included). */
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
   * `rank` goes out of service until `started` settles; returns the chunks it held whose
   * calls are still awaited, oldest first and queued again (withdrawn ones are done: their
   * worker is gone).
   */
  vacate(rank: number, started: Promise<void>, onFail: (e: unknown) => void, onReady: () => void): Chunk[] {
    const s = this.seats[rank]!;
    s.live = false;
    s.ready = started.then(() => {
      s.given = 0;
      s.sent = 0;
      s.live = true;
      onReady();
    }, onFail);
    const back: Chunk[] = [];
    for (const c of s.held.splice(0)) {
      if (c.state.kind === 'withdrawn') markDone(c);
      else {
        markQueued(c);
        back.push(c);
      }
    }
    return back;
  }

  /** Settles when no replacement is under way. */
  ready(): Promise<unknown> {
    return Promise.all(this.seats.map((s) => s.ready));
  }
}

/**
 * The worker runs its chunks in order: the first one it holds (after withdrawn ones) is
 * running; the ones behind it can still be withdrawn, so their futures stay pending.
 */
function promote(held: readonly Chunk[]): void {
  const head = held.find((c) => c.state.kind !== 'withdrawn');
  if (head?.state.kind === 'sent') markRunning(head);
}
