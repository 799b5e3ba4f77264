// Driving MPI from the event loop. MPI only moves data inside MPI calls, and a blocking
// call would freeze the event loop, so pending operations are polled: a short spin right
// after the caller's code yields (an answer that is microseconds away is caught with no
// event-loop turn; measured: a posted receive polled this way costs ~0.1 µs over a
// blocking MPI_Recv), then rounds through setImmediate so timers and I/O run between
// polls, with a short Atomics.wait nap (20-100 µs) between rounds when nothing else needs the thread
// (the core goes to a rank that needs it when there are more ranks than cores), except
// while a large transfer is in flight: its steps need this side's MPI calls.
import { performance } from 'node:perf_hooks';

const NAP_MIN_MS = 0.02;
// Capped low: nothing wakes a nap early (MPI has no doorbell), and a sender that naps
// through its rendezvous' last step delays the whole transfer.
const NAP_MAX_MS = 0.1;

export interface ProgressOptions {
  /** Polls MPI and settles what finished. */
  step: () => void;
  /** Operations settled so far: the loop returns as soon as it moves. */
  settled: () => number;
  /** True while operations are pending. */
  busy: () => boolean;
  /** True while a large transfer is in flight: MPI needs calls all along, so no nap. */
  hot: () => boolean;
  /** How long to spin before the first event-loop turn, in microseconds. */
  spinMicros: number;
}

export class MpiProgress {
  private scheduled = false;
  private deferred = false;
  private napMs = NAP_MIN_MS;
  private readonly spinMs: number;
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly o: ProgressOptions) {
    this.spinMs = o.spinMicros / 1000;
  }

  /** Something was started: make sure the loop runs once the caller's code yields. */
  kick(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(this.run);
  }

  private readonly run = (): void => {
    this.scheduled = false;
    this.deferred = false;
    const o = this.o;
    if (!o.busy()) return;
    const before = o.settled();
    const deadline = performance.now() + this.spinMs;
    for (let i = 1; ; i++) {
      o.step();
      if (o.settled() !== before) {
        // Let the continuations run, then come back for what is still pending.
        this.napMs = NAP_MIN_MS;
        if (o.busy()) this.defer();
        return;
      }
      if ((i & 7) === 0 && performance.now() > deadline) break;
    }
    if (!o.hot() && !othersActive()) {
      Atomics.wait(this.cell, 0, 0, this.napMs);
      this.napMs = Math.min(NAP_MAX_MS, this.napMs * 2);
    }
    this.defer();
  };

  private defer(): void {
    if (this.deferred) return;
    this.deferred = true;
    setImmediate(this.run);
  }
}

// Timers, sockets or files that the thread must stay responsive to (ours is an Immediate).
function othersActive(): boolean {
  for (const r of process.getActiveResourcesInfo()) if (r !== 'Immediate' && r !== 'TTYWrap' && r !== 'PipeWrap') return true;
  return false;
}
