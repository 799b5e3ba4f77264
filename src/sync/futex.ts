// The two shapes every primitive is built from: a mutex word and a counting word.
import { now, type WaitSteps } from './wait.ts';

// Mutex word states (Drepper, "Futexes are tricky"): only an unlock of a word that may
// have sleepers pays for a notify.
const FREE = 0;
const LOCKED = 1;
const CONTENDED = 2;

/** Takes the mutex at `i32[i]` if it is free. */
export function tryLock(i32: Int32Array, i: number): boolean {
  return Atomics.compareExchange(i32, i, FREE, LOCKED) === FREE;
}

/** Takes the mutex at `i32[i]`, waiting until `deadline`; false when it timed out. */
export function* lockOp(i32: Int32Array, i: number, deadline: number, abortable = true): WaitSteps<boolean> {
  if (tryLock(i32, i)) return true;
  for (;;) {
    if (Atomics.exchange(i32, i, CONTENDED) === FREE) return true;
    if (now() >= deadline) return false;
    yield { i32, index: i, value: CONTENDED, deadline, abortable };
  }
}

/** Releases the mutex at `i32[i]`; false when it was not locked. */
export function unlock(i32: Int32Array, i: number): boolean {
  const was = Atomics.exchange(i32, i, FREE);
  if (was === CONTENDED) Atomics.notify(i32, i, 1);
  return was !== FREE;
}

/** True while the mutex at `i32[i]` is held by someone. */
export function isLocked(i32: Int32Array, i: number): boolean {
  return Atomics.load(i32, i) !== FREE;
}

/** Takes one unit of the counter at `i32[i]` if it is positive. */
export function tryDown(i32: Int32Array, i: number): boolean {
  for (let v = Atomics.load(i32, i); v > 0;) {
    const seen = Atomics.compareExchange(i32, i, v, v - 1);
    if (seen === v) return true;
    v = seen;
  }
  return false;
}

/** Takes one unit of the counter at `i32[i]`, waiting until `deadline`; false when it timed out. */
export function* downOp(i32: Int32Array, i: number, deadline: number): WaitSteps<boolean> {
  for (;;) {
    if (tryDown(i32, i)) return true;
    if (now() >= deadline) return false;
    yield { i32, index: i, value: 0, deadline };
  }
}

/** Adds `n` units to the counter at `i32[i]` and wakes as many sleepers. */
export function up(i32: Int32Array, i: number, n = 1): void {
  Atomics.add(i32, i, n);
  Atomics.notify(i32, i, n);
}

/** Holds the internal guard at `i32[i]` (never held across a wait) while `body` runs. */
export function* guarded<R>(i32: Int32Array, i: number, body: () => R): WaitSteps<R> {
  yield* lockOp(i32, i, Infinity, false);
  try {
    return body();
  } finally {
    unlock(i32, i);
  }
}
