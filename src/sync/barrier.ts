// Barrier: arrivals counted per generation under an internal guard. A generation ends by
// release (GEN moves on) or by breaking (BROKEN set; a reset also moves GEN on and names
// the generation it broke in BROKEN_GEN). Waiters sleep on SEQ, which every change bumps.
import { BrokenBarrierError } from './errors.ts';
import { guarded } from './futex.ts';
import { deadlineOf, type WaitOptions } from './options.ts';
import { checkInteger, checkSignal, checkTimeout } from '../validate.ts';
import { SHARED, registerShared, type SharedState } from './share.ts';
import { now, runAsync, runSync, type WaitSteps } from './wait.ts';

export interface BarrierState extends SharedState {
  readonly type: 'Barrier';
  /** [guard, count, generation, broken, broken generation, seq] */
  readonly ctl: Int32Array;
  readonly parties: number;
  /** Default timeout of `wait`, ms. */
  readonly timeout: number | undefined;
}

const GUARD = 0;
const COUNT = 1;
const GEN = 2;
const BROKEN = 3;
const BROKEN_GEN = 4;
const SEQ = 5;

type Status = 'waiting' | 'released' | 'broken';

function wake(ctl: Int32Array): void {
  Atomics.add(ctl, SEQ, 1);
  Atomics.notify(ctl, SEQ);
}

function status(ctl: Int32Array, gen: number): Status {
  if (Atomics.load(ctl, GEN) !== gen) return Atomics.load(ctl, BROKEN_GEN) === gen ? 'broken' : 'released';
  return Atomics.load(ctl, BROKEN) ? 'broken' : 'waiting';
}

// A waiter that gives up (timeout, abort) breaks the barrier for everyone, as in Python.
function breakUnlessReleased(ctl: Int32Array, gen: number): Status {
  const st = status(ctl, gen);
  if (st !== 'waiting') return st;
  Atomics.store(ctl, BROKEN, 1);
  wake(ctl);
  return 'broken';
}

function* waitOp(s: BarrierState, deadline: number): WaitSteps<number> {
  const ctl = s.ctl;
  const arrival = yield* guarded(ctl, GUARD, () => {
    if (Atomics.load(ctl, BROKEN)) return undefined;
    const gen = Atomics.load(ctl, GEN);
    const index = Atomics.add(ctl, COUNT, 1);
    if (index + 1 === s.parties) {
      Atomics.store(ctl, COUNT, 0);
      Atomics.add(ctl, GEN, 1);
      wake(ctl);
    }
    return { gen, index, last: index + 1 === s.parties };
  });
  if (!arrival) throw new BrokenBarrierError();
  const { gen, index } = arrival;
  if (arrival.last) return index;
  for (;;) {
    const seq = Atomics.load(ctl, SEQ);
    let st = yield* guarded(ctl, GUARD, () => status(ctl, gen));
    if (st === 'waiting' && now() >= deadline) st = yield* guarded(ctl, GUARD, () => breakUnlessReleased(ctl, gen));
    if (st === 'released') return index;
    if (st === 'broken') throw new BrokenBarrierError(now() >= deadline ? 'The barrier is broken: a party timed out' : undefined);
    try {
      yield { i32: ctl, index: SEQ, value: seq, deadline };
    } catch (err) {
      if ((yield* guarded(ctl, GUARD, () => breakUnlessReleased(ctl, gen))) === 'released') return index;
      throw err;
    }
  }
}

/**
 * Makes `parties` threads wait for each other: each `wait()` resolves once all have
 * called it, with a distinct index in 0..parties-1. A timeout, an abort, `abort()` or
 * `reset()` breaks the barrier: its waiters (and later callers, until `reset()`) reject
 * with `BrokenBarrierError`. Python's `multiprocessing.Barrier` (without `action`).
 *
 * @example
 * const barrier = new Barrier(4);
 * // in each of 4 workers:
 * const i = await barrier.wait({ timeout: 5000 });
 * if (i === 0) console.log('all four arrived');
 */
export class Barrier {
  /** The shared state: what `share()` and `postMessage` carry to other threads. */
  readonly [SHARED]: BarrierState;

  /** `timeout` is the default for `wait()`, in ms. */
  constructor(parties: number, options?: { timeout?: number }) {
    checkInteger('parties', parties, { min: 1 });
    const timeout = checkTimeout(options?.timeout);
    const ctl = new Int32Array(new SharedArrayBuffer(24));
    ctl[BROKEN_GEN] = -1;
    this[SHARED] = { type: 'Barrier', ctl, parties, timeout };
  }

  /** How many threads must call `wait()`. */
  get parties(): number {
    return this[SHARED].parties;
  }

  /** How many threads wait now. */
  get nWaiting(): number {
    return this.broken ? 0 : Atomics.load(this[SHARED].ctl, COUNT);
  }

  /** True once broken, until `reset()`. */
  get broken(): boolean {
    return Atomics.load(this[SHARED].ctl, BROKEN) !== 0;
  }

  /**
   * Waits until `parties` threads have called `wait()`; resolves with this one's index.
   * Rejects with `BrokenBarrierError` when the barrier breaks (this call's `timeout`, or
   * the default, running out breaks it), and with `AbortError` when `signal` aborts (which
   * breaks it too).
   */
  wait(options?: WaitOptions): Promise<number> {
    const deadline = deadlineOf({ timeout: this[SHARED].timeout, ...options });
    return runAsync(waitOp(this[SHARED], deadline), 'Barrier.wait()', checkSignal(options?.signal));
  }

  /** `wait` that blocks the thread. */
  waitSync(options?: Omit<WaitOptions, 'signal'>): number {
    return runSync(waitOp(this[SHARED], deadlineOf({ timeout: this[SHARED].timeout, ...options })));
  }

  /** Breaks the barrier: current and later waiters reject with `BrokenBarrierError` until `reset()`. */
  abort(): void {
    const ctl = this[SHARED].ctl;
    runSync(
      guarded(ctl, GUARD, () => {
        Atomics.store(ctl, BROKEN, 1);
        wake(ctl);
      }),
    );
  }

  /** Returns the barrier to its first state; threads waiting now reject with `BrokenBarrierError`. */
  reset(): void {
    const ctl = this[SHARED].ctl;
    runSync(
      guarded(ctl, GUARD, () => {
        Atomics.store(ctl, BROKEN_GEN, Atomics.load(ctl, GEN));
        Atomics.add(ctl, GEN, 1);
        Atomics.store(ctl, COUNT, 0);
        Atomics.store(ctl, BROKEN, 0);
        wake(ctl);
      }),
    );
  }
}
registerShared('Barrier', Barrier);
