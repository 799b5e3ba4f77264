// Driving a threads rank's pending operations: spin on the rings while something is
// pending, return as soon as an operation settles so its continuation runs, and sleep on
// the rank's doorbell when the spin budget is spent (a short blocking nap first, then
// Atomics.waitAsync with the event loop free).
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { SLEEPING, slot } from './control.ts';
import { Sleeper, type WaitInfo } from './sleeper.ts';

const MIN_SPIN_MS = 0.002;
/** The most a rank spins while more ranks are awake than there are cores. */
const CROWDED_SPIN_MS = 0.02;
const CORES = availableParallelism();

export interface ProgressHooks {
  /** Drains the incoming rings and writes what fits of the queued sends; true if anything moved. */
  step(): boolean;
  /** Operations settled so far: the loop returns as soon as this moves. */
  settled(): number;
  /** True while operations are pending. */
  busy(): boolean;
  /** What the rank waits for, published when it sleeps (the launcher's deadlock detector reads it). */
  waitInfo(): WaitInfo;
  /** Called before the rank sleeps with the event loop free; true if it moved something (the loop then runs again). */
  beforeSleep(): boolean;
}

/**
 * How long to spin: the full `spinMs` while the ranks awake fit on the cores (a spinning
 * rank then takes no core anyone needs, and a peer woken from sleep would cost tens of
 * microseconds); else an adaptive budget of at most CROWDED_SPIN_MS, which halves after a
 * spin that ends in sleep and doubles after one that succeeds, so ranks that outnumber
 * the cores do not starve the ones they wait for.
 */
export class RingProgress {
  private readonly sleeper: Sleeper;
  /** The budget while crowded. */
  private spin: number;
  private scheduled = false;
  private deferred = false;
  private readonly crowdedMs: number;

  constructor(
    private readonly ctl: Int32Array,
    rank: number,
    private readonly size: number,
    private readonly hooks: ProgressHooks,
    private readonly spinMs: number,
    private readonly napMs: number,
  ) {
    this.crowdedMs = Math.min(spinMs, CROWDED_SPIN_MS);
    this.spin = this.crowdedMs;
    this.sleeper = new Sleeper(ctl, rank, () => hooks.waitInfo(), this.run);
  }

  /** More ranks of the job are awake (not asleep on their doorbell) than there are cores. */
  private crowded(): boolean {
    if (this.size <= CORES) return false;
    let awake = 0;
    for (let r = 0; r < this.size; r++) if (Atomics.load(this.ctl, slot(r, SLEEPING)) === 0 && ++awake > CORES) return true;
    return false;
  }

  /** True while the rank sleeps (or is about to) waiting for its doorbell. */
  get sleeping(): boolean {
    return this.sleeper.raised;
  }

  /** Something was started or withdrawn: run the loop once the caller's code yields. */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(this.run);
  }

  private readonly run = (): void => {
    this.scheduled = false;
    this.deferred = false;
    const h = this.hooks;
    if (!h.busy()) return this.sleeper.idle();
    const before = h.settled();
    const crowded = this.crowded();
    let deadline = performance.now() + (crowded ? this.spin : this.spinMs);
    for (let i = 1; ; i++) {
      // Fragments still flowing: keep spinning at full budget until the message is whole.
      if (h.step()) deadline = performance.now() + this.spinMs;
      if (h.settled() !== before) {
        if (crowded) this.spin = Math.min(this.crowdedMs, this.spin * 2);
        if (!h.busy()) return this.sleeper.idle();
        if (!this.deferred) {
          this.deferred = true;
          setImmediate(this.run);
        }
        return;
      }
      if ((i & 31) === 0 && performance.now() > deadline) break;
    }
    // A crowded spin that found nothing may have starved the very peer it waits for:
    // spin less next time, down to a few microseconds.
    if (crowded) this.spin = Math.max(MIN_SPIN_MS, this.spin / 2);
    const recheck = (): boolean => {
      h.step();
      return h.settled() !== before || !h.busy();
    };
    // Nap with the thread blocked first (fast wake), then sleep with the event loop free.
    this.sleeper.nap(this.napMs, recheck);
    if (recheck()) {
      if (!h.busy()) return this.sleeper.idle();
      return this.schedule();
    }
    if (h.beforeSleep()) return this.schedule();
    this.sleeper.sleep(recheck);
  };
}
