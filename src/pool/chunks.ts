import { findUnclonable } from '../codec/clone-path.ts';
import { findShared } from '../sync/share.ts';
import { AbortError, DataCloneError, TimeoutError } from '../errors.ts';
import type { Future, FutureOwner } from './future.ts';
import { QUEUED, seqOf, type ChunkState } from './lifecycle.ts';
import { callCount, sliceCalls, unpackCalls, type Calls } from './packed-calls.ts';
import { encodeTask, rebuildError, type Reply, type TaskMessage } from './protocol.ts';
import type { Task } from './tasks.ts';

// The units a pool's scheduler moves: chunks of calls, and the submissions they belong to.

/** What stops the calls of one submission early. */
export interface StopOptions {
  /** Queued calls are dropped; running ones are stopped by ending their worker, which is replaced (a pool over ranks lets them go and drops their results). */
  signal?: AbortSignal | undefined;
  /** Milliseconds from submission; then as if aborted, with TimeoutError. */
  timeout?: number | undefined;
}

export interface Chunk {
  id: number;
  task: Task;
  /** Its argument lists (packed when they are all numbers: see packed-calls.ts). */
  calls: Calls;
  futures: Future[];
  /** Its submission, when something (a signal or timeout) can stop the submission. */
  batch: Batch | undefined;
  /** Where it is: queued, sent to a worker, running there... Moved only by lifecycle.ts. */
  state: ChunkState;
  /**
   * One future for the whole chunk, settled with its outcomes (Pool.map and friends, which
   * hand back arrays): no Future and no promise per call.
   */
  bulk: boolean;
}

/** The calls of one submission that a signal or timeout can stop; they stop together. */
export interface Batch {
  left: number;
  /** Its chunks not settled yet. */
  chunks: Set<Chunk>;
  cleanup: (() => void) | undefined;
}

/**
 * The chunks of one submission, `chunksize` calls each, with one future per call or, for
 * `bulk`, one per chunk, numbered from `firstId`, each future reporting to `owner`; with a
 * batch only when `stop` can stop them. A lone chunk keeps
 * the submission's arrays (Executor.submit makes one per call: every object counts).
 */
export function makeChunks(
  task: Task,
  calls: Calls,
  futures: Future[],
  chunksize: number,
  bulk: boolean,
  stop: StopOptions | undefined,
  firstId: number,
  owner: FutureOwner,
): Chunk[] {
  const stoppable = stop?.signal !== undefined || stop?.timeout !== undefined;
  const n = callCount(calls);
  const batch: Batch | undefined = stoppable ? { left: n, chunks: new Set(), cleanup: undefined } : undefined;
  const out: Chunk[] = [];
  for (let i = 0; i < n; i += chunksize) {
    const whole = i === 0 && chunksize >= n;
    const mine = bulk ? [futures[i / chunksize]!] : whole ? futures : futures.slice(i, i + chunksize);
    const part = whole ? calls : sliceCalls(calls, i, Math.min(n, i + chunksize));
    const chunk: Chunk = { id: firstId + out.length, task, calls: part, futures: mine, batch, state: QUEUED, bulk };
    for (const f of mine) {
      f.owner = owner;
      f.slot = chunk;
    }
    batch?.chunks.add(chunk);
    out.push(chunk);
  }
  return out;
}

/** The message that hands `chunk`, sent to a worker, to it; `calls` null when they come by the side port. */
export function taskMessage(chunk: Chunk, calls: Calls | null, sameTask = false): TaskMessage {
  return encodeTask(chunk.id, seqOf(chunk), chunk.task.module ?? null, chunk.task.name, calls, sameTask);
}

/** Settles the chunk's futures with its worker's reply: its outcomes, or its values alone when every call succeeded. */
export function settleChunk(chunk: Chunk, reply: Exclude<Reply, { kind: 'skipped' }>): void {
  if (chunk.bulk) return chunk.futures[0]!.setResult(reply.kind === 'values' ? { values: reply.values } : reply.outcomes);
  if (reply.kind === 'values') {
    reply.values.forEach((v, i) => chunk.futures[i]!.setResult(v));
    return;
  }
  reply.outcomes.forEach((o, i) => {
    const f = chunk.futures[i]!;
    if (o[0] === 1) f.setResult(o[1]);
    else f.setException(rebuildError(o[1]));
  });
}

/** Drops the chunk's calls already settled (cancelled); false if none is left. */
export function dropSettled(chunk: Chunk): boolean {
  const live = chunk.futures.filter((f) => !f.done());
  if (live.length === chunk.futures.length) return true;
  if (live.length === 0) return false;
  chunk.calls = unpackCalls(chunk.calls).filter((_, i) => !chunk.futures[i]!.done());
  chunk.futures = live;
  return true;
}

/** Arms `stop`'s signal and timer to call `onStop`; returns what disarms them. */
export function watchStop(stop: StopOptions | undefined, onStop: (err: Error) => void): (() => void) | undefined {
  const { signal, timeout } = stop ?? {};
  if (signal?.aborted) {
    onStop(new AbortError('The task', signal.reason));
    return undefined;
  }
  if (!signal && timeout === undefined) return undefined;
  const onAbort = (): void => onStop(new AbortError('The task', signal!.reason));
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = timeout === undefined ? undefined : setTimeout(() => onStop(new TimeoutError('The task', timeout)), timeout);
  timer?.unref();
  return () => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  };
}

/**
 * Rejects the calls whose arguments cannot be serialized, each with a DataCloneError whose
 * path starts at `arguments`; true if some calls are left to send (false when all or none
 * were at fault).
 */
export function dropUnclonable(chunk: Chunk): boolean {
  // Packed calls are numbers alone.
  if (!Array.isArray(chunk.calls)) return false;
  const calls = chunk.calls;
  if (chunk.bulk) {
    // One future for all: it fails with the first call that cannot be sent.
    for (const args of calls) {
      const hit = findUnclonable(args, 'arguments');
      if (hit) {
        chunk.futures[0]!.setException(new DataCloneError(hit.path, hit.what));
        return false;
      }
    }
    return false;
  }
  const keep: number[] = [];
  calls.forEach((args, i) => {
    const hit = findUnclonable(args, 'arguments');
    if (hit) chunk.futures[i]!.setException(new DataCloneError(hit.path, hit.what));
    else keep.push(i);
  });
  if (keep.length === calls.length || keep.length === 0) return false;
  chunk.calls = keep.map((i) => calls[i]!);
  chunk.futures = keep.map((i) => chunk.futures[i]!);
  return true;
}

/**
 * Under `isolation: 'process'`: the calls whose arguments hold shared memory (a Lock, a
 * Queue, a Value, a SharedArrayBuffer...) fail at once with DataCloneError (code
 * ERR_DATA_CLONE), saying where; processes share no memory, and a copy would silently
 * stop being shared.
 */
export function refuseShared(calls: Calls, futureOf: (call: number) => Future): void {
  // Packed calls are numbers alone.
  if (!Array.isArray(calls)) return;
  calls.forEach((args, i) => {
    const hit = findShared(args, 'arguments');
    if (!hit) return;
    const err = new DataCloneError(hit.path, hit.what);
    err.message = `Cannot send ${hit.path} to a worker process: ${hit.what} lives in shared memory, which processes do not share (isolation: 'process'); use a pool with isolation: 'thread'`;
    futureOf(i).setException(err);
  });
}
