import { DOORBELL, EPOCH, SLEEPING, STATE, WAIT_BELL, WAIT_OP, WAIT_PEER, WAIT_PENDING, WAIT_TAG, WaitState, slot } from './control.ts';

export interface WaitInfo {
  op: number;
  peer: number;
  tag: number;
  pending: number;
}

// How often a rank that sleeps beside other activity (timers, sockets, files) looks
// again at whether it is still busy, so the deadlock detector sees the truth.
const BUSY_RECHECK_MS = 200;

/**
 * Sleeping on a rank's doorbell with Atomics.waitAsync. Only this slow path writes the
 * wait description the launcher's deadlock detector reads, so the hot path pays nothing.
 * waitAsync does not keep the event loop alive, so a ref'd timer does while asleep.
 */
export class Sleeper {
  private waiting = false;
  /** SLEEPING is set and the event loop is held open, until idle() or a wake. */
  raised = false;
  private published = false;
  private keepAlive: NodeJS.Timeout | undefined;
  private readonly base: number;

  constructor(
    private readonly ctl: Int32Array,
    rank: number,
    private readonly info: () => WaitInfo,
    private readonly onWake: () => void,
  ) {
    this.base = slot(rank, 0);
  }

  /**
   * Blocks the thread on the doorbell for up to `ms` (Atomics.wait), unless `recheck`
   * (run after raising SLEEPING) saw progress. A blocked thread gives its core to the
   * rank it waits for, and wakes without an event-loop turn: with more ranks than cores
   * that is the difference between microseconds and a scheduler tick. Only taken when
   * nothing else (timers, sockets, files) could need this thread meanwhile.
   */
  nap(ms: number, recheck: () => boolean): void {
    if (ms <= 0 || othersActive()) return;
    const ctl = this.ctl;
    const end = performance.now() + ms;
    // A bell that brought nothing (a peer telling of room in its ring, say) is no reason to
    // leave for the slow sleep (an event-loop turn to wake from): nap again for what is left.
    // SLEEPING goes up before each wait, since the waker lowered it; the bell is read
    // before it goes up (see sleep()).
    for (;;) {
      const bell = Atomics.load(ctl, this.base + DOORBELL);
      Atomics.store(ctl, this.base + SLEEPING, 1);
      if (recheck()) break;
      const left = end - performance.now();
      if (left <= 0) break;
      Atomics.wait(ctl, this.base + DOORBELL, bell, left);
    }
    if (!this.raised) Atomics.store(ctl, this.base + SLEEPING, 0);
  }

  /** Sleeps until the doorbell rings, unless `recheck` (run after raising SLEEPING) saw progress. */
  sleep(recheck: () => boolean): void {
    const ctl = this.ctl;
    this.raised = true;
    // The bell is read before SLEEPING goes up. Read after, a waker could lower SLEEPING and
    // bump the bell in between: the rank would wait on the bumped bell with SLEEPING down,
    // so no later waker rings it (an 8 MiB ping-pong on a loaded machine caught a rank
    // asleep like that, its waitAsync outstanding, SLEEPING 0 and DOORBELL === WAIT_BELL).
    // Read before, any waker that lowers SLEEPING bumps the bell past the one waited on.
    const bell = Atomics.load(ctl, this.base + DOORBELL);
    Atomics.store(ctl, this.base + SLEEPING, 1);
    if (recheck()) {
      queueMicrotask(this.onWake);
      return;
    }
    const busy = othersActive();
    this.publish(busy, bell);
    // Held exactly while SLEEPING is raised: idle() and woken() let go of it.
    this.keepAlive ??= setInterval(() => {}, 2 ** 30);
    this.keepAlive.ref();
    if (this.waiting) return;
    this.waiting = true;
    const r = Atomics.waitAsync(ctl, this.base + DOORBELL, bell, busy ? BUSY_RECHECK_MS : Infinity);
    if (r.async) void r.value.then(this.woken);
    else queueMicrotask(this.woken);
  }

  /** Nothing is pending: stop holding the event loop open and stop asking for bells. */
  idle(): void {
    if (!this.raised) return;
    this.raised = false;
    Atomics.store(this.ctl, this.base + SLEEPING, 0);
    this.keepAlive?.unref();
    this.unpublish();
  }

  private readonly woken = (): void => {
    this.waiting = false;
    this.raised = false;
    Atomics.store(this.ctl, this.base + SLEEPING, 0);
    this.keepAlive?.unref();
    this.unpublish();
    this.onWake();
  };

  private publish(busy: boolean, bell: number): void {
    const w = this.info();
    const ctl = this.ctl;
    Atomics.store(ctl, this.base + WAIT_BELL, bell);
    Atomics.store(ctl, this.base + WAIT_OP, w.op);
    Atomics.store(ctl, this.base + WAIT_PEER, w.peer);
    Atomics.store(ctl, this.base + WAIT_TAG, w.tag);
    Atomics.store(ctl, this.base + WAIT_PENDING, w.pending);
    Atomics.store(ctl, this.base + STATE, busy ? WaitState.Busy : WaitState.Blocked);
    Atomics.add(ctl, this.base + EPOCH, 1);
    this.published = true;
  }

  private unpublish(): void {
    if (!this.published) return;
    this.published = false;
    Atomics.store(this.ctl, this.base + STATE, WaitState.Running);
    Atomics.add(this.ctl, this.base + EPOCH, 1);
  }
}

// Anything but message ports (ours, and stdio plumbing) that could still wake the rank.
function othersActive(): boolean {
  for (const r of process.getActiveResourcesInfo()) if (r !== 'MessagePort') return true;
  return false;
}
