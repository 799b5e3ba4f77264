// A chunk's life in a pool's scheduler: its named states, and the only functions that move
// a chunk from one to another. Every other file reads a chunk's state; none writes it.
import type { Chunk } from './chunks.ts';

/**
 * Where a chunk is, as rank 0 sees it.
 *
 * - `queued`: in the scheduler's queue; its calls pending.
 * - `sent`: handed to `worker` as the `seq`-th chunk of that worker's life, not started as
 *   far as rank 0 knows: it can still be withdrawn (see flags.ts).
 * - `running`: the oldest chunk its worker holds: it runs, or is the next to; its futures
 *   are running and can no longer be cancelled.
 * - `withdrawn`: taken back before its worker started it (cancelled or stopped); its
 *   futures are settled, and the worker holds it until it says it skipped it.
 * - `done`: nobody holds it: its worker's reply settled it, or it failed, was stopped,
 *   had all its calls cancelled, or was let go. A reply that comes for it later is dropped.
 */
export type ChunkState =
  | { readonly kind: 'queued' }
  | { readonly kind: 'sent'; readonly worker: number; readonly seq: number }
  | { readonly kind: 'running'; readonly worker: number; readonly seq: number }
  | { readonly kind: 'withdrawn'; readonly worker: number; readonly seq: number }
  | { readonly kind: 'done' };

export type ChunkStateKind = ChunkState['kind'];

/** Every move a chunk may make; anything else is a bug in the scheduler. */
const MOVES: Readonly<Record<ChunkStateKind, readonly ChunkStateKind[]>> = {
  queued: ['sent', 'done'],
  // Back to the queue when its worker is replaced or says it skipped it unasked (markQueued).
  sent: ['running', 'withdrawn', 'queued', 'done'],
  running: ['queued', 'done'],
  withdrawn: ['done'],
  done: [],
};

export const QUEUED: ChunkState = Object.freeze({ kind: 'queued' });
const DONE: ChunkState = Object.freeze({ kind: 'done' });

/**
 * A move the lifecycle does not allow: a bug in ranks, not in the caller's program (it
 * breaks the pool, whose futures then reject with BrokenPoolError saying so).
 */
export class LifecycleError extends Error {
  constructor(chunk: Chunk, to: ChunkStateKind | string) {
    super(`ranks internal error: pool chunk ${chunk.id} cannot go from ${chunk.state.kind} to ${to}`);
    this.name = 'LifecycleError';
  }
}

function move(chunk: Chunk, next: ChunkState): void {
  if (!MOVES[chunk.state.kind].includes(next.kind)) throw new LifecycleError(chunk, next.kind);
  chunk.state = next;
}

/** queued → sent: handed to `worker` as its `seq`-th chunk. */
export function markSent(chunk: Chunk, worker: number, seq: number): void {
  move(chunk, { kind: 'sent', worker, seq });
}

/** sent → running: it is now the oldest chunk its worker holds; its futures can no longer be cancelled. */
export function markRunning(chunk: Chunk): void {
  const s = chunk.state;
  if (s.kind !== 'sent') throw new LifecycleError(chunk, 'running');
  move(chunk, { kind: 'running', worker: s.worker, seq: s.seq });
  for (const f of chunk.futures) f.setRunning();
}

/** sent → withdrawn: its worker will skip it (the veto was seen in time). */
export function markWithdrawn(chunk: Chunk): void {
  const s = chunk.state;
  if (s.kind !== 'sent') throw new LifecycleError(chunk, 'withdrawn');
  move(chunk, { kind: 'withdrawn', worker: s.worker, seq: s.seq });
}

/**
 * sent | running → queued: its worker is being replaced, or skipped it though rank 0 had
 * not withdrawn it. Futures already running stay running: the calls will run, elsewhere.
 */
export function markQueued(chunk: Chunk): void {
  move(chunk, QUEUED);
}

/** Anything but done → done: nobody holds it any more. */
export function markDone(chunk: Chunk): void {
  move(chunk, DONE);
}

/** True while the scheduler answers for the chunk's calls: queued, sent or running. */
export function isLive(chunk: Chunk): boolean {
  const k = chunk.state.kind;
  return k === 'queued' || k === 'sent' || k === 'running';
}

/** True if `rank` holds the chunk and its calls are still awaited (sent or running there). */
export function isHeldBy(chunk: Chunk, rank: number): boolean {
  const s = chunk.state;
  return (s.kind === 'sent' || s.kind === 'running') && s.worker === rank;
}

/** The chunk's number among those its worker was sent: only a chunk sent or running has one. */
export function seqOf(chunk: Chunk): number {
  const s = chunk.state;
  if (s.kind !== 'sent' && s.kind !== 'running') throw new LifecycleError(chunk, 'a worker (it has no seq)');
  return s.seq;
}
