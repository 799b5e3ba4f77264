// Pipe: two Connections over one channel per direction. Closing an end sets flags in the
// channels' shared words, so the other end (in any thread) sees it at once.
import { decode, encode } from '../codec/encode.ts';
import { InvalidArgumentError, TimeoutError } from '../errors.ts';
import { ClosedError, EOFError } from './errors.ts';
import { EOF, READER_CLOSED, USED, WRITER_CLOSED, closeSide, createChannel, readable, recvOp, sendOp, type ChannelState } from './channel.ts';
import { deadlineOf, type WaitOptions } from './options.ts';
import { checkBoolean, checkSignal, checkTimeout } from '../validate.ts';
import { SHARED, registerShared, type SharedState } from './share.ts';
import { deadlineAfter, now, runAsync, type WaitSteps } from './wait.ts';

export interface ConnectionState extends SharedState {
  readonly type: 'Connection';
  /** The channel this end reads, if it may read. */
  readonly rx: ChannelState | undefined;
  /** The channel this end writes, if it may write. */
  readonly tx: ChannelState | undefined;
}

function* pollOp(rx: ChannelState, deadline: number): WaitSteps<boolean> {
  for (;;) {
    const u = Atomics.load(rx.ctl, USED);
    const { bytes, eof } = readable(rx);
    if (bytes > 0 || eof) return true;
    if (now() >= deadline) return false;
    yield { i32: rx.ctl, index: USED, value: u, deadline };
  }
}

function isClosed(s: ConnectionState): boolean {
  return (
    (s.rx !== undefined && (Atomics.load(s.rx.ctl, USED) & READER_CLOSED) !== 0) || (s.tx !== undefined && (Atomics.load(s.tx.ctl, USED) & WRITER_CLOSED) !== 0)
  );
}

/**
 * One end of a `Pipe`. `send` any structured-cloneable value (typed arrays travel as raw
 * bytes), `recv` it at the other end in order. `close()` closes this end for every thread
 * that holds it; the other end then receives what is left and then `EOFError`.
 *
 * @example
 * const [parent, child] = Pipe();
 * // worker (given `child`): await child.send(await child.recv() * 2);
 * await parent.send(21);
 * if (await parent.poll(1000)) console.log(await parent.recv()); // 42
 */
export class Connection<T = unknown> {
  /** The shared state: what `share()` and `postMessage` carry to other threads. */
  readonly [SHARED]: ConnectionState;

  /** Made by `Pipe()`. */
  constructor(state: ConnectionState) {
    this[SHARED] = state;
  }

  /** True when this end may receive. */
  get readable(): boolean {
    return this[SHARED].rx !== undefined;
  }

  /** True when this end may send. */
  get writable(): boolean {
    return this[SHARED].tx !== undefined;
  }

  /** True once this end was closed (in any thread). */
  get closed(): boolean {
    return isClosed(this[SHARED]);
  }

  /**
   * Sends a value; waits only while the other end has not read enough of what was sent
   * before. Rejects with `ClosedError` when either end is closed, `DataCloneError` when the
   * value cannot be serialized.
   */
  async send(value: T, options?: Pick<WaitOptions, 'signal'>): Promise<void> {
    const s = this[SHARED];
    const tx = this.check('send', s.tx, 'receive-only');
    const { kind, bytes } = encode(value);
    await runAsync(sendOp(tx, kind, bytes, Infinity, Infinity), 'Connection.send()', checkSignal(options?.signal));
  }

  /**
   * Receives the next value, waiting for it. Rejects with `EOFError` when the other end is
   * closed and nothing is left, `TimeoutError` after `timeout`, `AbortError` on abort.
   */
  async recv(options?: WaitOptions): Promise<T> {
    const rx = this.check('recv', this[SHARED].rx, 'send-only');
    const deadline = deadlineOf(options);
    const item = await runAsync(recvOp(rx, deadline, deadline), 'Connection.recv()', options?.signal);
    if (item === EOF) throw new EOFError();
    if (item === undefined) throw new TimeoutError('Connection.recv()', options!.timeout!);
    return decode(item.kind, item.bytes) as T;
  }

  /**
   * Resolves `true` when a value can be received now (or the other end is closed, so
   * `recv` would not wait), waiting up to `timeout` ms for one (default 0: just look;
   * `Infinity`: wait as long as it takes).
   */
  poll(timeout = 0, options?: Pick<WaitOptions, 'signal'>): Promise<boolean> {
    const rx = this.check('poll', this[SHARED].rx, 'send-only');
    const deadline = deadlineAfter(checkTimeout(timeout));
    return runAsync(pollOp(rx, deadline), 'Connection.poll()', checkSignal(options?.signal));
  }

  /** Closes this end, for every thread that holds it. Closing twice does nothing. */
  close(): void {
    const s = this[SHARED];
    if (s.rx) closeSide(s.rx, READER_CLOSED);
    if (s.tx) closeSide(s.tx, WRITER_CLOSED);
  }

  /** `close()`, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  private check(what: string, ch: ChannelState | undefined, only: string): ChannelState {
    if (!ch) throw new InvalidArgumentError(`Cannot ${what}() on a ${only} Connection (Pipe({ duplex: false }))`);
    if (isClosed(this[SHARED])) throw new ClosedError(`Connection.${what}() on a closed connection`);
    return ch;
  }
}
registerShared('Connection', Connection);

/**
 * A pair of connected `Connection`s. Duplex (the default): each end sends and receives.
 * With `duplex: false` the first end only receives and the second only sends, as in
 * Python's `multiprocessing.Pipe(duplex=False)`. `bytes` sizes each direction's ring
 * (default 1 MiB; larger values stream through it).
 *
 * @example
 * const [a, b] = Pipe();
 * await a.send({ hello: 'world' });
 * await b.recv(); // { hello: 'world' }
 */
export function Pipe<T = unknown>(options?: { duplex?: boolean; bytes?: number }): [Connection<T>, Connection<T>] {
  const duplex = checkBoolean('duplex', options?.duplex ?? true);
  const ab = createChannel(options?.bytes);
  if (!duplex) {
    return [new Connection({ type: 'Connection', rx: ab, tx: undefined }), new Connection({ type: 'Connection', rx: undefined, tx: ab })];
  }
  const ba = createChannel(options?.bytes);
  return [new Connection({ type: 'Connection', rx: ba, tx: ab }), new Connection({ type: 'Connection', rx: ab, tx: ba })];
}
