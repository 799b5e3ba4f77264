/**
 * The job's control block: one SharedArrayBuffer made by the job's supervisor and shared
 * by every rank. Each rank owns a 64-byte line of int32 slots, so ranks that spin on their
 * own line do not bounce each other's cache lines. Its layout (the slots below), the wait
 * states and the wait codes are defined here only: the ranks write them (sleeper.ts,
 * transport.ts), the supervisor's side reads them (hub.ts, deadlock.ts).
 *
 * The block has one line per rank the job may ever hold (its capacity), not per rank it
 * started with: a rank started later (a spawned one) takes a free line, and the ranks
 * already running see it once the supervisor hands them its rings. Scratch segments
 * announced before it started do not reach it through the hub (hub.ts hands a segment to
 * the ranks attached then): the supervisor hands a new rank each running rank's latest
 * segment as it starts it (supervise/threads.ts). The block is sized when the job starts
 * (its size + RANKS_SPAWN_MAX); a spawn past it fails with ERR_SPAWN.
 */

const STRIDE = 16;
/** Bumped by anyone who wants a sleeping rank to look at its rings again. */
export const DOORBELL = 0;
/** 1 while the rank sleeps on its doorbell: senders only ring when it is set (and the first one lowers it). */
export const SLEEPING = 1;
/** Bumped by the launcher each time it forwards a new incoming ring to the rank. */
export const LINKS = 2;
/** What the rank is doing, for the deadlock detector (see WaitState). */
export const STATE = 3;
/** Bumped on every change of STATE, so the detector can tell a stable picture. */
export const EPOCH = 4;
export const WAIT_OP = 5;
export const WAIT_PEER = 6;
export const WAIT_TAG = 7;
export const WAIT_PENDING = 8;
/** Messages the rank left unreceived when it exited. */
export const LEFTOVER = 9;
/** The DOORBELL value the rank went to sleep on: a different DOORBELL means a wake is on its way. */
export const WAIT_BELL = 10;
/** 1 while the rank has sends waiting for room in a ring: a reader that frees room rings it only then. */
export const WANTS_ROOM = 11;
/** Bumped by the launcher each time a rank of the job exits (after its STATE reads Exited). */
export const EXITS = 12;
/**
 * Ranks copying straight out of this rank's memory now (an offered large message, bulk.ts),
 * plus STOPPING once its thread is about to end: a reader raises the count before it takes
 * an offer and backs off if STOPPING is set; whoever ends the thread sets STOPPING and
 * waits for the count to reach zero, so no copy outlives the memory it reads.
 */
export const READERS = 13;
export const STOPPING = 1 << 30;

export const enum WaitState {
  Running = 0,
  /** Asleep with ranks operations pending and nothing else that could wake it. */
  Blocked = 1,
  /** Asleep with ranks operations pending, but also timers, sockets or files in use. */
  Busy = 2,
  Exited = 3,
}

/** WAIT_OP's values; for Segment, WAIT_PEER is the segment's owner and WAIT_TAG its generation. */
export const enum WaitOp {
  None = 0,
  Recv = 1,
  Send = 2,
  Probe = 3,
  Segment = 4,
}

/** WAIT_OP's values by name, indexed by WaitOp. */
export const OP_CODES = ['none', 'recv', 'send', 'probe', 'segment'] as const;

/**
 * Marks `rank`'s thread as ending (no reader may start a copy out of its memory) and
 * waits, at most `maxMs`, for the copies under way to finish.
 */
export function retire(ctl: Int32Array, rank: number, maxMs = 10_000): void {
  const i = slot(rank, READERS);
  const end = Date.now() + maxMs;
  for (let v = Atomics.or(ctl, i, STOPPING) | STOPPING; v !== STOPPING && Date.now() < end; v = Atomics.load(ctl, i)) Atomics.wait(ctl, i, v, 5);
}

/** A control block with a line for each of `capacity` ranks (see above: room for ranks started later). */
export function createControl(capacity: number): SharedArrayBuffer {
  return new SharedArrayBuffer(Math.max(1, capacity) * STRIDE * 4);
}

/** How many ranks' lines `control` holds. */
export function controlCapacity(control: SharedArrayBuffer): number {
  return control.byteLength / (STRIDE * 4);
}

/** Index of `slot` in the int32 view for `rank`. */
export function slot(rank: number, which: number): number {
  return rank * STRIDE + which;
}

/**
 * Wakes `rank` if it sleeps; costs one atomic load when it does not. The first waker
 * lowers SLEEPING, so the others skip the notify (a system call of several microseconds)
 * until the rank sleeps again: it raises SLEEPING and looks at its rings before each wait.
 */
export function wake(ctl: Int32Array, rank: number): void {
  const base = rank * STRIDE;
  if (Atomics.load(ctl, base + SLEEPING) !== 0 && Atomics.compareExchange(ctl, base + SLEEPING, 1, 0) === 1) {
    Atomics.add(ctl, base + DOORBELL, 1);
    Atomics.notify(ctl, base + DOORBELL);
  }
}
