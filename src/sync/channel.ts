// A byte ring in one SharedArrayBuffer carrying framed items (8-byte header: length,
// payload kind), with a write lock and a read lock so any number of threads may send and
// receive. An item that fits is written whole, so readers never see half of it; one larger
// than the ring streams through it while the reader drains. Queue and Connection build on it.
import { ClosedError } from './errors.ts';
import { lockOp, unlock } from './futex.ts';
import { checkInteger } from '../validate.ts';
import { now, type WaitSteps } from './wait.ts';

/** The shared part of a channel. */
export interface ChannelState {
  /** Control words, see the indices below. */
  readonly ctl: Int32Array;
  /** The ring. */
  readonly data: Uint8Array;
}

/** Bytes in the ring, with the two close flags in its high bits so waiters on it see them. */
export const USED = 0;
const HEAD = 1;
const TAIL = 2;
const RLOCK = 3;
const WLOCK = 4;
/** Free words for the primitive built on the channel (Queue: items, slots, unfinished). */
export const EXTRA = 5;
const WORDS = 8;

export const WRITER_CLOSED = 1 << 30;
export const READER_CLOSED = 1 << 29;
const MASK = READER_CLOSED - 1;
const HEADER = 8;

/** Default ring size: big enough that most items go in one copy; pages are touched only when used. */
export const DEFAULT_BYTES = 1 << 20;

export function createChannel(bytes: number | undefined): ChannelState {
  const cap = checkInteger('bytes', bytes ?? DEFAULT_BYTES, { min: 64, max: MASK });
  const sab = new SharedArrayBuffer(WORDS * 4 + cap);
  return { ctl: new Int32Array(sab, 0, WORDS), data: new Uint8Array(sab, WORDS * 4, cap) };
}

/** One received item: its payload kind and bytes (a fresh buffer, aligned). */
export interface Item {
  kind: number;
  bytes: Uint8Array;
}

/** Returned by recvOp when the writer side is closed and the ring is empty. */
export const EOF = Symbol('EOF');

/** Bytes ready to read, and whether the writer side closed. */
export function readable(ch: ChannelState): { bytes: number; eof: boolean } {
  const u = Atomics.load(ch.ctl, USED);
  return { bytes: u & MASK, eof: (u & WRITER_CLOSED) !== 0 };
}

/** Marks one side closed and wakes whoever waits on the ring. */
export function closeSide(ch: ChannelState, flag: typeof WRITER_CLOSED | typeof READER_CLOSED): void {
  Atomics.or(ch.ctl, USED, flag);
  Atomics.notify(ch.ctl, USED);
}

/**
 * Sends one item. Waits until `lockDeadline` for the write lock and until `roomDeadline`
 * for room for the whole item (a whole empty ring for one larger than the ring); false when
 * either ran out. Once room is found `commit` runs and the item is sent to the end, however
 * long the reader takes. Throws ClosedError when the reader side is closed.
 */
export function* sendOp(
  ch: ChannelState,
  kind: number,
  payload: Uint8Array,
  lockDeadline: number,
  roomDeadline: number,
  commit?: () => void,
): WaitSteps<boolean> {
  const { ctl, data } = ch;
  const cap = data.length;
  if (!(yield* lockOp(ctl, WLOCK, lockDeadline))) return false;
  try {
    const first = Math.min(HEADER + payload.length, cap);
    for (;;) {
      const u = Atomics.load(ctl, USED);
      if (u & READER_CLOSED) throw new ClosedError('Cannot send: the receiving end is closed');
      if (cap - (u & MASK) >= first) break;
      if (now() >= roomDeadline) return false;
      yield { i32: ctl, index: USED, value: u, deadline: roomDeadline };
    }
    commit?.();
    const header = new Uint8Array(HEADER);
    const view = new DataView(header.buffer);
    view.setUint32(0, payload.length, true);
    view.setUint32(4, kind, true);
    let tail = Atomics.load(ctl, TAIL);
    let pending = 0;
    const publish = (): void => {
      Atomics.store(ctl, TAIL, tail);
      Atomics.add(ctl, USED, pending);
      Atomics.notify(ctl, USED);
      pending = 0;
    };
    for (const chunk of [header, payload]) {
      for (let off = 0; off < chunk.length;) {
        const u = Atomics.load(ctl, USED);
        if (u & READER_CLOSED) throw new ClosedError('Cannot send: the receiving end closed during the send');
        const free = cap - (u & MASK) - pending;
        if (free === 0) {
          if (pending > 0) publish();
          else yield { i32: ctl, index: USED, value: u, deadline: Infinity, abortable: false };
          continue;
        }
        const n = Math.min(free, chunk.length - off);
        tail = copyIn(data, tail, chunk.subarray(off, off + n));
        off += n;
        pending += n;
      }
    }
    publish();
    return true;
  } finally {
    unlock(ctl, WLOCK);
  }
}

/**
 * Receives one item. Waits until `lockDeadline` for the read lock and until `dataDeadline`
 * for an item to start; undefined when either ran out, EOF when the writer side is closed
 * and the ring is empty. An item once started is read to its end.
 */
export function* recvOp(ch: ChannelState, lockDeadline: number, dataDeadline: number): WaitSteps<Item | typeof EOF | undefined> {
  const { ctl, data } = ch;
  if (!(yield* lockOp(ctl, RLOCK, lockDeadline))) return undefined;
  try {
    for (;;) {
      const u = Atomics.load(ctl, USED);
      if ((u & MASK) >= HEADER) break;
      if ((u & MASK) === 0 && u & WRITER_CLOSED) return EOF;
      if (now() >= dataDeadline) return undefined;
      yield { i32: ctl, index: USED, value: u, deadline: dataDeadline };
    }
    let head = Atomics.load(ctl, HEAD);
    let taken = 0;
    const release = (): void => {
      Atomics.store(ctl, HEAD, head);
      Atomics.sub(ctl, USED, taken);
      Atomics.notify(ctl, USED);
      taken = 0;
    };
    const header = new Uint8Array(HEADER);
    head = copyOut(data, head, header);
    taken = HEADER;
    const view = new DataView(header.buffer);
    const bytes = new Uint8Array(view.getUint32(0, true));
    for (let got = 0; got < bytes.length;) {
      const u = Atomics.load(ctl, USED);
      const avail = (u & MASK) - taken;
      if (avail === 0) {
        if (taken > 0) release();
        else yield { i32: ctl, index: USED, value: u, deadline: Infinity, abortable: false };
        continue;
      }
      const n = Math.min(avail, bytes.length - got);
      head = copyOut(data, head, bytes.subarray(got, got + n));
      got += n;
      taken += n;
    }
    release();
    return { kind: view.getUint32(4, true), bytes };
  } finally {
    unlock(ctl, RLOCK);
  }
}

function copyIn(ring: Uint8Array, at: number, src: Uint8Array): number {
  const first = Math.min(src.length, ring.length - at);
  ring.set(first === src.length ? src : src.subarray(0, first), at);
  if (first < src.length) ring.set(src.subarray(first), 0);
  return (at + src.length) % ring.length;
}

function copyOut(ring: Uint8Array, at: number, dst: Uint8Array): number {
  const first = Math.min(dst.length, ring.length - at);
  dst.set(ring.subarray(at, at + first));
  if (first < dst.length) dst.set(ring.subarray(0, dst.length - first), first);
  return (at + dst.length) % ring.length;
}
