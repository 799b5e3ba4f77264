/**
 * A single-producer single-consumer byte ring in a SharedArrayBuffer: one per pair of
 * ranks that talk, created by the sender on first use. Records are 8-byte aligned:
 *
 *   int32[0] record length (header + payload, padded), or WRAP: skip to the start
 *   int32[1] kind | flags << 8     (FIRST, LAST: a message is one or more fragments)
 *   int32[2] tag   int32[3] context   int32[4] fragment bytes   int32[5] message bytes
 *
 * The header area keeps the consumer's `head` and the producer's `tail` (byte counters
 * that wrap at 2^32) on separate cache lines. The producer publishes with an atomic
 * store of `tail` after its plain writes; the consumer frees space with a store of `head`.
 */

export const FIRST = 1;
export const LAST = 2;
export const HEADER = 24;
const WRAP = -1;
const HEAD = 0;
const TAIL = 16;
const CONTROL_BYTES = 128;

export function createRing(capacity: number): SharedArrayBuffer {
  if (capacity < 1024 || (capacity & (capacity - 1)) !== 0) throw new RangeError(`Ring capacity must be a power of two >= 1024, got ${capacity}`);
  return new SharedArrayBuffer(CONTROL_BYTES + capacity);
}

/** True when the ring holds records its consumer has not read (any thread may ask). */
export function ringHasData(ring: SharedArrayBuffer): boolean {
  const ctl = new Int32Array(ring, 0, CONTROL_BYTES / 4);
  return Atomics.load(ctl, TAIL) !== Atomics.load(ctl, HEAD);
}

class RingView {
  protected readonly ctl: Int32Array;
  protected readonly i32: Int32Array;
  protected readonly u8: Uint8Array;
  protected readonly cap: number;
  protected readonly mask: number;

  constructor(readonly sab: SharedArrayBuffer) {
    this.ctl = new Int32Array(sab, 0, CONTROL_BYTES / 4);
    this.cap = sab.byteLength - CONTROL_BYTES;
    this.mask = this.cap - 1;
    this.i32 = new Int32Array(sab, CONTROL_BYTES, this.cap / 4);
    this.u8 = new Uint8Array(sab, CONTROL_BYTES, this.cap);
  }
}

export class RingWriter extends RingView {
  private tail = 0;
  private head = 0;
  /** Largest fragment written: big messages go in several, so both sides overlap copies. */
  readonly maxFragment = Math.max(1024, this.cap / 4) - HEADER;

  /** Writes one record, or returns false when the ring lacks room for it now. */
  write(kind: number, flags: number, tag: number, context: number, total: number, src: Uint8Array, from: number, length: number): boolean {
    const need = (HEADER + length + 7) & ~7;
    let off = this.tail & this.mask;
    const before = this.cap - off;
    const wrap = need > before ? before : 0;
    if (((this.tail - this.head) >>> 0) + wrap + need > this.cap) {
      this.head = Atomics.load(this.ctl, HEAD);
      if (((this.tail - this.head) >>> 0) + wrap + need > this.cap) return false;
    }
    if (wrap) {
      this.i32[off >> 2] = WRAP;
      this.tail = (this.tail + wrap) | 0;
      off = 0;
    }
    const w = off >> 2;
    const i32 = this.i32;
    i32[w] = need;
    i32[w + 1] = kind | (flags << 8);
    i32[w + 2] = tag;
    i32[w + 3] = context;
    i32[w + 4] = length;
    i32[w + 5] = total;
    if (length > 0) this.u8.set(length === src.byteLength && from === 0 ? src : src.subarray(from, from + length), off + HEADER);
    this.tail = (this.tail + need) | 0;
    Atomics.store(this.ctl, TAIL, this.tail);
    return true;
  }
}

/** Called for each record: the header fields and the ring's bytes, payload at `at`. Returning false stops the drain after this record. */
export type RecordSink = (
  kind: number,
  flags: number,
  tag: number,
  context: number,
  total: number,
  bytes: Uint8Array,
  at: number,
  length: number,
) => boolean | void;

export class RingReader extends RingView {
  private head = 0;

  /** True when the producer has published records not read yet. */
  pending(): boolean {
    return Atomics.load(this.ctl, TAIL) !== this.head;
  }

  /** Hands every published record to `sink`, then frees their space. Returns how many. */
  drain(sink: RecordSink): number {
    const tail = Atomics.load(this.ctl, TAIL);
    let head = this.head;
    if (tail === head) return 0;
    let count = 0;
    const i32 = this.i32;
    while (head !== tail) {
      const off = head & this.mask;
      const w = off >> 2;
      const len = i32[w]!;
      if (len === WRAP) {
        head = (head + this.cap - off) | 0;
        continue;
      }
      const kf = i32[w + 1]!;
      const more = sink(kf & 0xff, kf >>> 8, i32[w + 2]!, i32[w + 3]!, i32[w + 5]!, this.u8, off + HEADER, i32[w + 4]!);
      head = (head + len) | 0;
      count++;
      if (more === false) break;
    }
    this.head = head;
    Atomics.store(this.ctl, HEAD, head);
    return count;
  }
}
