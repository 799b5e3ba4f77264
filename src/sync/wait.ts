// One way to block, written once: a blocking operation is a generator that yields the
// word it needs to change, and a driver runs it either asynchronously (spin, then
// Atomics.waitAsync) or synchronously (spin, then Atomics.wait). The generator re-checks
// its condition after every wake, so spurious wakes are harmless and none is lost.
import { AbortError } from '../errors.ts';

/** Sleep while `i32[index] === value`, until `deadline` (a `now()` time, or Infinity). */
export interface Wait {
  i32: Int32Array;
  index: number;
  value: number;
  deadline: number;
  /** false: an abort is not delivered here (a lock taken back in cleanup, an internal guard). */
  abortable?: boolean;
}

/** A blocking operation: yields waits, returns its result. */
export type WaitSteps<R> = Generator<Wait, R, void>;

/** Milliseconds on a monotonic clock; deadlines are compared with it. */
export const now = (): number => performance.now();

/** A deadline `timeout` ms from now; Infinity without a timeout. */
export function deadlineAfter(timeout: number | undefined): number {
  return timeout === undefined ? Infinity : now() + timeout;
}

// A few microseconds of looking before sleeping: a peer on another core often answers
// within that, and a sleep/wake round trip costs ~10 µs (sync) or ~80 µs (async).
const SPIN = 1000;
// The longest timer delay.
const MAX_TIMER = 2 ** 31 - 1;

function spin(w: Wait): boolean {
  for (let i = 0; i < SPIN; i++) if (Atomics.load(w.i32, w.index) !== w.value) return true;
  return false;
}

/** Runs an operation on this thread, blocking it with Atomics.wait. */
export function runSync<R>(op: WaitSteps<R>): R {
  for (let step = op.next(); ; step = op.next()) {
    if (step.done) return step.value;
    const w = step.value;
    if (spin(w)) continue;
    const ms = Math.max(0, w.deadline - now());
    Atomics.wait(w.i32, w.index, w.value, ms);
  }
}

/**
 * Runs an operation without blocking the thread. An abort is thrown into the generator
 * once, at the wait it was in, so it can withdraw and clean up; waits after that (a lock
 * taken back in a `finally`) are no longer abortable.
 */
export async function runAsync<R>(op: WaitSteps<R>, what: string, signal?: AbortSignal): Promise<R> {
  if (signal?.aborted) throw new AbortError(what, signal.reason);
  let step = op.next();
  let abortable = signal !== undefined;
  while (!step.done) {
    const w = step.value;
    const here = abortable && w.abortable !== false;
    if (here && signal!.aborted) {
      abortable = false;
      step = op.throw(new AbortError(what, signal!.reason));
      continue;
    }
    if (!spin(w)) await sleep(w, here ? signal : undefined);
    step = op.next();
  }
  return step.value;
}

// Atomics.waitAsync does not keep the event loop alive, so a ref'd timer does while asleep.
function sleep(w: Wait, signal: AbortSignal | undefined): Promise<void> | void {
  const ms = Math.max(0, w.deadline - now());
  const r = Atomics.waitAsync(w.i32, w.index, w.value, ms);
  if (!r.async) return;
  // Held until the wait settles: V8 may deliver a timed-out wait later than a timer of the same length.
  const keep = setInterval(() => {}, MAX_TIMER);
  // An abort wakes every sleeper on the word (ours among them); the others re-check and
  // sleep again. The same broadcast after waking passes on a wake this sleeper may have
  // taken from a notify(…, 1) meant for someone who will still be waiting.
  const onAbort = (): void => void Atomics.notify(w.i32, w.index);
  signal?.addEventListener('abort', onAbort, { once: true });
  return r.value.then(() => {
    clearInterval(keep);
    if (signal) {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) onAbort();
    }
  });
}
