// Queue, JoinableQueue and SimpleQueue: items framed into one shared byte ring (channel.ts),
// with counters for qsize, the maxsize bound and unfinished tasks in its spare words.
import { decode, encode } from '../codec/encode.ts';
import { TimeoutError } from '../errors.ts';
import { ClosedError, Empty, Full, OverReleaseError } from './errors.ts';
import { EOF, EXTRA, createChannel, recvOp, sendOp, type ChannelState, type Item } from './channel.ts';
import { downOp, up } from './futex.ts';
import { deadlineOf, type BlockOptions, type WaitOptions } from './options.ts';
import { checkInteger, checkSignal } from '../validate.ts';
import { SHARED, registerShared, type SharedState } from './share.ts';
import { now, runAsync, runSync, type WaitSteps } from './wait.ts';

export interface QueueState extends SharedState, ChannelState {
  readonly type: 'Queue' | 'JoinableQueue' | 'SimpleQueue';
  /** 0: unbounded. */
  readonly maxsize: number;
}

/** Options of `new Queue()`. */
export interface QueueOptions {
  /** Most items the queue holds; `put` waits (or throws `Full`) beyond. 0 (the default) is no bound. */
  maxsize?: number;
  /**
   * Size of the shared ring the items' bytes travel through (default 1 MiB). Items that fit
   * are written in one copy; a larger item streams through while a reader drains it.
   */
  bytes?: number;
}

const ITEMS = EXTRA;
const SLOTS = EXTRA + 1;
const UNFINISHED = EXTRA + 2;
// How long a non-blocking call may wait for another thread to finish copying an item.
const NOWAIT_GRACE_MS = 5;
// A queue's own close() is local to the handle, as in Python (closing one process's end).
const closed = new WeakSet<object>();

type Handle = { [SHARED]: QueueState };

function makeState(type: QueueState['type'], options: number | QueueOptions | undefined): QueueState {
  const opts = typeof options === 'number' ? { maxsize: options } : (options ?? {});
  const maxsize = checkInteger('maxsize', opts.maxsize ?? 0, { min: 0 });
  const ch = createChannel(opts.bytes);
  if (maxsize > 0) ch.ctl[SLOTS] = maxsize;
  return { type, maxsize, ...ch };
}

function checkOpen(q: Handle, what: string): QueueState {
  if (closed.has(q)) throw new ClosedError(`${what} on a closed ${q[SHARED].type}`);
  return q[SHARED];
}

// The lock deadline and the item deadline of a call: `block: false` still lets a peer
// that is mid-copy finish.
function deadlines(options: BlockOptions | undefined): [lock: number, item: number] {
  const item = deadlineOf(options, 'block');
  return [options?.block === false ? now() + NOWAIT_GRACE_MS : item, item];
}

function* putOp(s: QueueState, value: unknown, lockDeadline: number, deadline: number): WaitSteps<boolean> {
  const { kind, bytes } = encode(value);
  const ctl = s.ctl;
  if (s.maxsize > 0 && !(yield* downOp(ctl, SLOTS, deadline))) return false;
  let sent = false;
  try {
    sent = yield* sendOp(s, kind, bytes, lockDeadline, deadline, () => {
      Atomics.add(ctl, ITEMS, 1);
      if (s.type === 'JoinableQueue') Atomics.add(ctl, UNFINISHED, 1);
    });
    return sent;
  } finally {
    if (!sent && s.maxsize > 0) up(ctl, SLOTS);
  }
}

function* getOp(s: QueueState, lockDeadline: number, deadline: number): WaitSteps<Item | undefined> {
  const item = yield* recvOp(s, lockDeadline, deadline);
  if (item === undefined || item === EOF) return undefined;
  Atomics.sub(s.ctl, ITEMS, 1);
  if (s.maxsize > 0) up(s.ctl, SLOTS);
  return item;
}

function* joinOp(ctl: Int32Array, deadline: number): WaitSteps<boolean> {
  for (;;) {
    const n = Atomics.load(ctl, UNFINISHED);
    if (n === 0) return true;
    if (now() >= deadline) return false;
    yield { i32: ctl, index: UNFINISHED, value: n, deadline };
  }
}

/**
 * A FIFO queue in shared memory for any number of producer and consumer threads (pass it
 * to workers with `share`/`revive`). Items are any structured-cloneable value, serialized
 * with `node:v8`; typed arrays travel as raw bytes. Python's `multiprocessing.Queue`.
 *
 * @example
 * const q = new Queue<number>({ maxsize: 100 });
 * // producer worker
 * for (const x of data) await q.put(x);
 * await q.put(null as never); // poison pill
 * // consumer
 * for (let x; (x = await q.get()) !== null; ) use(x);
 * await q.get({ timeout: 100 }).catch((e) => e.code); // 'ERR_QUEUE_EMPTY' once drained
 */
export class Queue<T = unknown> {
  /** The shared state: what `share()` and `postMessage` carry to other threads. */
  readonly [SHARED]: QueueState;

  /** `options` may be the `maxsize` alone, as in Python's `Queue(maxsize)`. */
  constructor(options?: number | QueueOptions) {
    this[SHARED] = makeState(new.target === JoinableQueue ? 'JoinableQueue' : 'Queue', options);
  }

  /** The bound given at construction (0: none). */
  get maxsize(): number {
    return this[SHARED].maxsize;
  }

  /**
   * Puts an item, waiting for room while the queue is full (up to `timeout`). Rejects with
   * `Full` when there was no room in time (at once with `block: false`), `DataCloneError`
   * when the item cannot be serialized, `AbortError` on abort.
   */
  async put(item: T, options?: BlockOptions): Promise<void> {
    const s = checkOpen(this, 'put()');
    const [lock, deadline] = deadlines(options);
    if (!(await runAsync(putOp(s, item, lock, deadline), `${s.type}.put()`, checkSignal(options?.signal)))) throw new Full(s.type);
  }

  /** Puts an item if there is room now, else throws `Full`. */
  putNowait(item: T): void {
    const s = checkOpen(this, 'putNowait()');
    const [lock, deadline] = deadlines({ block: false });
    if (!runSync(putOp(s, item, lock, deadline))) throw new Full(s.type);
  }

  /**
   * Takes the oldest item, waiting for one (up to `timeout`). Rejects with `Empty` when none
   * came in time (at once with `block: false`), `AbortError` on abort.
   */
  async get(options?: BlockOptions): Promise<T> {
    const s = checkOpen(this, 'get()');
    const [lock, deadline] = deadlines(options);
    const item = await runAsync(getOp(s, lock, deadline), `${s.type}.get()`, checkSignal(options?.signal));
    if (!item) throw new Empty(s.type);
    return decode(item.kind, item.bytes) as T;
  }

  /** Takes the oldest item if there is one now, else throws `Empty`. */
  getNowait(): T {
    const s = checkOpen(this, 'getNowait()');
    const [lock, deadline] = deadlines({ block: false });
    const item = runSync(getOp(s, lock, deadline));
    if (!item) throw new Empty(s.type);
    return decode(item.kind, item.bytes) as T;
  }

  /** `get` that blocks the thread (Atomics.wait): for worker code that cannot await. */
  getSync(options?: Omit<BlockOptions, 'signal'>): T {
    const s = checkOpen(this, 'getSync()');
    const [lock, deadline] = deadlines(options);
    const item = runSync(getOp(s, lock, deadline));
    if (!item) throw new Empty(s.type);
    return decode(item.kind, item.bytes) as T;
  }

  /** `put` that blocks the thread. */
  putSync(item: T, options?: Omit<BlockOptions, 'signal'>): void {
    const s = checkOpen(this, 'putSync()');
    const [lock, deadline] = deadlines(options);
    if (!runSync(putOp(s, item, lock, deadline))) throw new Full(s.type);
  }

  /** Items put and not yet taken (a snapshot: other threads move it). */
  qsize(): number {
    return Atomics.load(this[SHARED].ctl, ITEMS);
  }

  /** True when `qsize()` is 0 (a snapshot). */
  empty(): boolean {
    return this.qsize() === 0;
  }

  /** True when a bounded queue holds `maxsize` items (a snapshot). */
  full(): boolean {
    return this[SHARED].maxsize > 0 && Atomics.load(this[SHARED].ctl, SLOTS) === 0;
  }

  /**
   * Says this handle will not be used any more: later calls on it throw `ClosedError`.
   * Other threads' handles on the same queue are not affected (as in Python).
   */
  close(): void {
    closed.add(this);
  }
}
registerShared('Queue', Queue);

/**
 * A Queue that counts unfinished tasks: every `put` adds one, `taskDone()` removes one,
 * and `join()` waits until none is left. Python's `multiprocessing.JoinableQueue`.
 *
 * @example
 * const q = new JoinableQueue<string>();
 * // worker: for (;;) { const url = await q.get(); await fetchIt(url); q.taskDone(); }
 * for (const u of urls) await q.put(u);
 * await q.join(); // every url was processed
 */
export class JoinableQueue<T = unknown> extends Queue<T> {
  /** Marks one item taken with `get` as processed; throws `OverReleaseError` when called more times than items were put. */
  taskDone(): void {
    const ctl = this[SHARED].ctl;
    for (let n = Atomics.load(ctl, UNFINISHED); ;) {
      if (n <= 0) throw new OverReleaseError('JoinableQueue.taskDone() called more times than items were put');
      const seen = Atomics.compareExchange(ctl, UNFINISHED, n, n - 1);
      if (seen !== n) {
        n = seen;
        continue;
      }
      if (n === 1) Atomics.notify(ctl, UNFINISHED);
      return;
    }
  }

  /** Waits until every item put has been marked done; rejects with `TimeoutError` after `timeout`. */
  async join(options?: WaitOptions): Promise<void> {
    const ok = await runAsync(joinOp(this[SHARED].ctl, deadlineOf(options)), 'JoinableQueue.join()', options?.signal);
    if (!ok) throw new TimeoutError('JoinableQueue.join()', options!.timeout!);
  }

  /** Items put and not yet marked done. */
  unfinished(): number {
    return Atomics.load(this[SHARED].ctl, UNFINISHED);
  }
}
registerShared('JoinableQueue', JoinableQueue);

/**
 * An unbounded queue with only `put`, `get`, `empty` and `close`. Python's
 * `multiprocessing.SimpleQueue`.
 *
 * @example
 * const q = new SimpleQueue<number[]>();
 * await q.put([1, 2]);
 * await q.get(); // [1, 2]
 */
export class SimpleQueue<T = unknown> {
  /** The shared state: what `share()` and `postMessage` carry to other threads. */
  readonly [SHARED]: QueueState;

  /** `bytes` sizes the shared ring (default 1 MiB). */
  constructor(options?: { bytes?: number }) {
    this[SHARED] = makeState('SimpleQueue', { bytes: options?.bytes });
  }

  /** Puts an item (waits only while the ring is full of bytes). */
  async put(item: T, options?: Pick<WaitOptions, 'signal'>): Promise<void> {
    const s = checkOpen(this, 'put()');
    await runAsync(putOp(s, item, Infinity, Infinity), 'SimpleQueue.put()', checkSignal(options?.signal));
  }

  /** Takes the oldest item, waiting for one; rejects with `Empty` after `timeout`. */
  async get(options?: WaitOptions): Promise<T> {
    const s = checkOpen(this, 'get()');
    const deadline = deadlineOf(options);
    const item = await runAsync(getOp(s, deadline, deadline), 'SimpleQueue.get()', options?.signal);
    if (!item) throw new Empty(s.type);
    return decode(item.kind, item.bytes) as T;
  }

  /** True when no item is waiting (a snapshot). */
  empty(): boolean {
    return Atomics.load(this[SHARED].ctl, ITEMS) === 0;
  }

  /** Later calls on this handle throw `ClosedError`. */
  close(): void {
    closed.add(this);
  }
}
registerShared('SimpleQueue', SimpleQueue);
