/**
 * A link's bulk area: a growable SharedArrayBuffer made beside the link's ring that carries
 * one large message whole, so the sender copies it in with one pass and never waits for
 * the receiver (a ring of fragments needs both threads on a core at once). The ring still
 * orders messages: the sender writes a BULK record (no payload) into the ring, then copies
 * the payload into the area in chunks, publishing after each how many bytes are in; the
 * receiver, having read the record, copies out what is published, so on two free cores
 * both copies overlap, and on a crowded machine each side makes its one pass when it runs.
 * The receiver frees the area when the whole message is out.
 *
 *   int32[0] BUSY: 1 from the sender's claim until the receiver has copied everything out
 *   int32[16] WRITTEN: payload bytes in so far (its own cache line)
 *   payload from byte 128
 *
 * The area grows to the largest message sent on the link (up to MAX_BULK) and stays that
 * size while the link lives; both threads see the grown length.
 */

/** Messages from this size up go through the bulk area (smaller ones fit the ring whole or nearly). */
export const BULK_MIN = 256 * 1024;
/** The largest bulk area (address space reserved per link; memory is committed as it grows). */
export const MAX_BULK = 1 << 30;
/** Bytes copied between two publications of WRITTEN. */
const CHUNK = 256 * 1024;
const BUSY = 0;
const WRITTEN = 16;
const CONTROL_BYTES = 128;
const QUANTUM = 1 << 20;

export function createBulk(): SharedArrayBuffer {
  return new SharedArrayBuffer(CONTROL_BYTES, { maxByteLength: CONTROL_BYTES + MAX_BULK });
}

/** True when the message can take the bulk path at all. */
export function bulkable(bytes: number): boolean {
  return bytes >= BULK_MIN && bytes <= MAX_BULK;
}

export class BulkWriter {
  private readonly ctl: Int32Array;

  constructor(private readonly sab: SharedArrayBuffer) {
    this.ctl = new Int32Array(sab, 0, CONTROL_BYTES / 4);
  }

  /** Claims the area for a message of `bytes` (growing it if needed); false while the receiver still holds the last one. */
  claim(bytes: number): boolean {
    if (Atomics.load(this.ctl, BUSY) !== 0) return false;
    const need = CONTROL_BYTES + bytes;
    const have = this.sab.byteLength;
    // Grow geometrically for sizes that creep up, but not to twice a huge payload.
    if (have < need) this.sab.grow(Math.min(CONTROL_BYTES + MAX_BULK, Math.ceil(Math.max(need, Math.min(2 * have, 1.25 * need)) / QUANTUM) * QUANTUM));
    Atomics.store(this.ctl, WRITTEN, 0);
    Atomics.store(this.ctl, BUSY, 1);
    return true;
  }

  /** Gives back a claim that carried nothing (the ring had no room for its record). */
  release(): void {
    Atomics.store(this.ctl, BUSY, 0);
  }

  /** Copies `src` in (after claim() and the ring record), publishing progress chunk by chunk. */
  fill(src: Uint8Array): void {
    const n = src.byteLength;
    const dst = new Uint8Array(this.sab, CONTROL_BYTES, n);
    for (let at = 0; at < n;) {
      const end = Math.min(n, at + CHUNK);
      dst.set(at === 0 && end === n ? src : src.subarray(at, end), at);
      at = end;
      Atomics.store(this.ctl, WRITTEN, at);
    }
  }
}

export class BulkReader {
  private readonly ctl: Int32Array;

  constructor(private readonly sab: SharedArrayBuffer) {
    this.ctl = new Int32Array(sab, 0, CONTROL_BYTES / 4);
  }

  /** True when the sender has written into the area more than `m` has taken. */
  ready(m: { got: number }): boolean {
    return Atomics.load(this.ctl, WRITTEN) > m.got;
  }

  /**
   * Copies what the sender has published of `m` into `m.data` from `m.got` on, advancing
   * `m.got`: the matcher may point `m.data` at a receive's own buffer between two calls
   * (a probe took the message first), and it moves the `m.got` bytes in so far. True once
   * the whole message is out, when the area is freed for the sender's next one.
   */
  copy(m: { data: Uint8Array; got: number; total: number }): boolean {
    const written = Atomics.load(this.ctl, WRITTEN);
    if (written > m.got) {
      m.data.set(new Uint8Array(this.sab, CONTROL_BYTES + m.got, written - m.got), m.got);
      m.got = written;
    }
    if (m.got < m.total) return false;
    Atomics.store(this.ctl, WRITTEN, 0);
    Atomics.store(this.ctl, BUSY, 0);
    return true;
  }
}
