// Errors of the multiprocessing building blocks; their codes are listed with the others
// in ../errors.ts.
import { RanksError } from '../errors.ts';

/**
 * A queue had no item to give: `getNowait()`, `get({ block: false })`, or `get({ timeout })`
 * that timed out. Python's `queue.Empty`.
 *
 * @example
 * try { await q.get({ timeout: 100 }); }
 * catch (err) { if (err instanceof Empty) console.log('nothing yet'); }
 */
export class Empty extends RanksError {
  constructor(what = 'Queue') {
    super('ERR_QUEUE_EMPTY', `${what} is empty`);
  }
}

/**
 * A queue had no room for an item: `putNowait()`, `put(x, { block: false })`, or
 * `put(x, { timeout })` that timed out. Python's `queue.Full`.
 *
 * @example
 * const q = new Queue({ maxsize: 1 }); q.putNowait(1);
 * q.putNowait(2); // throws Full
 */
export class Full extends RanksError {
  constructor(what = 'Queue') {
    super('ERR_QUEUE_FULL', `${what} is full`);
  }
}

/**
 * A barrier was broken (by `abort()`, `reset()` or a waiter's timeout) while this party
 * waited, or before it came. Python's `threading.BrokenBarrierError`.
 *
 * @example
 * await barrier.wait({ timeout: 1000 }).catch((e) => e.code); // 'ERR_BROKEN_BARRIER'
 */
export class BrokenBarrierError extends RanksError {
  constructor(message = 'The barrier is broken') {
    super('ERR_BROKEN_BARRIER', message);
  }
}

/**
 * `recv()` on a connection whose other end is closed and has nothing left to read.
 *
 * @example
 * const [a, b] = Pipe(); b.close();
 * await a.recv(); // rejects with EOFError
 */
export class EOFError extends RanksError {
  constructor(what = 'Connection') {
    super('ERR_EOF', `${what}: the other end is closed and nothing is left to receive`);
  }
}

/**
 * A queue or connection was used after `close()` (here or, for sends on a connection,
 * at the other end).
 *
 * @example
 * q.close(); await q.put(1); // rejects with ClosedError
 */
export class ClosedError extends RanksError {
  constructor(message: string) {
    super('ERR_CLOSED', message);
  }
}

/**
 * A lock was released (or a condition used) by someone who does not hold it: releasing
 * an unlocked `Lock`, or an `RLock` held by another thread.
 *
 * @example
 * new Lock().release(); // throws NotHeldError
 */
export class NotHeldError extends RanksError {
  constructor(message: string) {
    super('ERR_NOT_HELD', message);
  }
}

/**
 * A `BoundedSemaphore` was released more times than it was acquired, or a
 * `JoinableQueue`'s `taskDone()` was called more times than items were put.
 *
 * @example
 * new BoundedSemaphore(1).release(); // throws OverReleaseError
 */
export class OverReleaseError extends RanksError {
  constructor(message: string) {
    super('ERR_OVER_RELEASE', message);
  }
}
