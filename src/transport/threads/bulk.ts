/**
 * A link's bulk area: a growable SharedArrayBuffer made beside the link's ring that carries
 * one large message whole. The ring still orders messages: the sender writes a BULK
 * record (no payload) into the ring, and the payload comes one of two ways.
 *
 * One copy (../libc.ts): the sender offers its buffer's address (OFFER = OFFERED) before
 * the record; the receiver, once a receive waits for the message, takes the offer
 * (OFFERED → TAKEN) and copies the payload straight into its destination, then says DONE
 * and rings the sender, whose send completes then. Two cores copy faster than one (a line
 * the other core wrote last crosses between them slowly): the receiver publishes its
 * destination and asks for help with the second half (HELP = WANTED); a sender spinning
 * on its send copies that half itself (HELPING → HELPED) while the receiver copies the
 * first, and a sender that is not there leaves it to the receiver (KEPT). A receiver that
 * is not there in time does not hold the sender: the sender withdraws an offer nobody
 * took (OFFERED → WITHDRAWN) after OFFER_MS, before it sleeps, or as its thread ends, and
 * copies the payload into the area as below. Either side's compare-exchange wins, never both.
 *
 * Two copies (withdrawn, or one copy off): the sender copies the payload into the area in
 * chunks, publishing after each how many bytes are in; the receiver copies out what is
 * published, so on two free cores both copies overlap, and on a crowded machine each side
 * makes its one pass when it runs. The receiver frees the area when the whole message is out.
 *
 *   int32[0] BUSY: 1 from the sender's claim until the receiver has copied everything out
 *   int32[1] OFFER: NONE, OFFERED, TAKEN, DONE or WITHDRAWN
 *   int32[2] HELP: NONE, WANTED, HELPING, HELPED or KEPT
 *   float64[2] the offered buffer's address; float64[3] the taking receive's buffer's address
 *   int32[16] WRITTEN: payload bytes in so far (its own cache line)
 *   payload from byte 128
 *
 * The area grows to the largest message sent through it (up to MAX_BULK) and stays that
 * size while the link lives; both threads see the grown length. An offered message never
 * grows it.
 */
import { READERS, STOPPING, slot, wake } from './control.ts';
import { allocate } from '../buffers.ts';
import { oneCopy } from '../libc.ts';

/** Messages from this size up go through the bulk area (smaller ones fit the ring whole or nearly). */
export const BULK_MIN = 256 * 1024;
/** The largest bulk area (address space reserved per link; memory is committed as it grows). */
export const MAX_BULK = 1 << 30;
/** Bytes copied between two publications of WRITTEN. */
const CHUNK = 256 * 1024;
const BUSY = 0;
const OFFER = 1;
const HELP = 2;
const SOURCE = 2;
const DEST = 3;
const WRITTEN = 16;
const enum Offer {
  None = 0,
  Offered = 1,
  Taken = 2,
  Done = 3,
  Withdrawn = 4,
}
const enum Help {
  None = 0,
  Wanted = 1,
  Helping = 2,
  Helped = 3,
  Kept = 4,
}
/** Messages from this size are copied by both threads at once (half each). */
const SPLIT_MIN = 1 << 20;

/** Where the receiver's half ends (a cache-line boundary): all of a message below SPLIT_MIN. */
function split(n: number): number {
  return n < SPLIT_MIN ? n : Math.floor(n / 128) * 64;
}

/** Counts a copy touching `rank`'s memory in its READERS slot; false (nothing counted) once the rank is ending. */
function enter(job: Int32Array, rank: number): boolean {
  if ((Atomics.add(job, slot(rank, READERS), 1) & STOPPING) === 0) return true;
  leave(job, rank);
  return false;
}

function leave(job: Int32Array, rank: number): void {
  const i = slot(rank, READERS);
  if (Atomics.sub(job, i, 1) - 1 === STOPPING) Atomics.notify(job, i);
}
/** How long an offer waits for its receiver before the sender copies the payload into the area itself. */
export const OFFER_MS = 1;
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
  private readonly address: Float64Array;

  /** `job` is the job's control block, `dest` the receiving rank (its READERS slot). */
  constructor(
    private readonly sab: SharedArrayBuffer,
    private readonly job: Int32Array,
    private readonly dest: number,
  ) {
    this.ctl = new Int32Array(sab, 0, CONTROL_BYTES / 4);
    this.address = new Float64Array(sab, 0, 4);
  }

  /** Claims the area for a message of `bytes` (growing it if needed); false while the receiver still holds the last one. */
  claim(bytes: number): boolean {
    if (Atomics.load(this.ctl, BUSY) !== 0) return false;
    Atomics.store(this.ctl, OFFER, Offer.None);
    this.grow(bytes);
    Atomics.store(this.ctl, WRITTEN, 0);
    Atomics.store(this.ctl, BUSY, 1);
    return true;
  }

  private grow(bytes: number): void {
    const need = CONTROL_BYTES + bytes;
    const have = this.sab.byteLength;
    // Grow geometrically for sizes that creep up, but not to twice a huge payload.
    if (have < need) this.sab.grow(Math.min(CONTROL_BYTES + MAX_BULK, Math.ceil(Math.max(need, Math.min(2 * have, 1.25 * need)) / QUANTUM) * QUANTUM));
  }

  /**
   * Claims the area for a message the receiver may copy straight from `src` (before the
   * ring record); false while the receiver still holds the last one, or where one copy
   * is off. `src` must stay as it is until the offer is done or withdrawn.
   */
  offer(src: Uint8Array): boolean {
    const c = oneCopy();
    if (!c || Atomics.load(this.ctl, BUSY) !== 0) return false;
    this.address[SOURCE] = c.address(src);
    Atomics.store(this.ctl, WRITTEN, 0);
    Atomics.store(this.ctl, HELP, Help.None);
    Atomics.store(this.ctl, OFFER, Offer.Offered);
    Atomics.store(this.ctl, BUSY, 1);
    return true;
  }

  /** True while the receiver copies the offered message (it ends in microseconds: worth spinning for). */
  copying(): boolean {
    return Atomics.load(this.ctl, OFFER) === Offer.Taken;
  }

  /**
   * Copies the second half of a taken message of `n` bytes straight into the receiver's
   * buffer when the receiver asks for help; true if it did.
   */
  help(n: number): boolean {
    if (Atomics.load(this.ctl, HELP) !== Help.Wanted || !enter(this.job, this.dest)) return false;
    if (Atomics.compareExchange(this.ctl, HELP, Help.Wanted, Help.Helping) !== Help.Wanted) {
      leave(this.job, this.dest);
      return false;
    }
    const h = split(n);
    oneCopy()!.move(this.address[DEST]! + h, this.address[SOURCE]! + h, n - h);
    leave(this.job, this.dest);
    Atomics.store(this.ctl, HELP, Help.Helped);
    Atomics.notify(this.ctl, HELP);
    return true;
  }

  /** True once the receiver has copied the offered message. */
  taken(): boolean {
    return Atomics.load(this.ctl, OFFER) === Offer.Done;
  }

  /** Withdraws an offer nobody took, then copies `src` into the area; false if the receiver took it first. */
  withdraw(src: Uint8Array): boolean {
    if (Atomics.compareExchange(this.ctl, OFFER, Offer.Offered, Offer.Withdrawn) !== Offer.Offered) return false;
    this.grow(src.byteLength);
    this.fill(src);
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

/** The part of a matcher's Incoming the reader fills: `waiter` is set once a receive waits for it. */
export interface Arriving {
  kind: number;
  data: Uint8Array;
  got: number;
  total: number;
  waiter?: unknown;
}

/** Waits for the sender to finish the half it took: it is copying now, so this ends within a copy's time. */
function waitHelped(ctl: Int32Array): void {
  for (let i = 0; Atomics.load(ctl, HELP) !== Help.Helped; i++) if (i > 1000) Atomics.wait(ctl, HELP, Help.Helping, 1);
}

export class BulkReader {
  private readonly ctl: Int32Array;
  private readonly address: Float64Array;

  /** `job` is the job's control block, `source` the sending rank (its READERS slot, its doorbell). */
  constructor(
    private readonly sab: SharedArrayBuffer,
    private readonly job: Int32Array,
    private readonly source: number,
  ) {
    this.ctl = new Int32Array(sab, 0, CONTROL_BYTES / 4);
    this.address = new Float64Array(sab, 0, 4);
  }

  /** True when the sender has written into the area more than `m` has taken, or offers the message and a receive waits for it. */
  ready(m: Arriving): boolean {
    if (Atomics.load(this.ctl, WRITTEN) > m.got) return true;
    // An offer from a sender that is ending is withdrawn by it (or lost with a terminated thread).
    return (
      m.got === 0 &&
      m.waiter !== undefined &&
      Atomics.load(this.ctl, OFFER) === Offer.Offered &&
      (Atomics.load(this.job, slot(this.source, READERS)) & STOPPING) === 0 &&
      oneCopy() !== null
    );
  }

  /**
   * Takes an offered message: one copy straight from the sender's buffer into `m.data`.
   * The sender's READERS count covers the copy, so its thread cannot end (and free the
   * buffer) under it; a sender already ending (STOPPING) is left to withdraw the offer.
   */
  private take(m: Arriving): boolean {
    const c = oneCopy();
    if (!c || !enter(this.job, this.source)) return false;
    if (Atomics.compareExchange(this.ctl, OFFER, Offer.Offered, Offer.Taken) !== Offer.Offered) {
      leave(this.job, this.source);
      return false;
    }
    const n = m.total;
    const h = split(n);
    const src = this.address[SOURCE]!;
    if (h < n) {
      this.address[DEST] = c.address(m.data);
      Atomics.store(this.ctl, HELP, Help.Wanted);
    }
    c.memcpy(m.data, src, h);
    if (h < n) {
      if (Atomics.compareExchange(this.ctl, HELP, Help.Wanted, Help.Kept) === Help.Wanted) c.memcpy(m.data.subarray(h), src + h, n - h);
      else waitHelped(this.ctl);
    }
    leave(this.job, this.source);
    m.got = n;
    Atomics.store(this.ctl, OFFER, Offer.Done);
    Atomics.store(this.ctl, BUSY, 0);
    wake(this.job, this.source);
    return true;
  }

  /**
   * Copies what the sender has published of `m` into `m.data` from `m.got` on, advancing
   * `m.got`: the matcher may point `m.data` at a receive's own buffer between two calls
   * (a probe took the message first), and it moves the `m.got` bytes in so far. True once
   * the whole message is out, when the area is freed for the sender's next one.
   */
  copy(m: Arriving): boolean {
    // An offer is taken once a receive waits for it, into that receive's own buffer (one
    // copy); until then the sender may withdraw it (OFFER_MS) and copy it into the area.
    if (m.got === 0 && m.waiter !== undefined && Atomics.load(this.ctl, OFFER) === Offer.Offered && this.take(m)) return true;
    const written = Atomics.load(this.ctl, WRITTEN);
    if (written > m.got) {
      if (m.data.byteLength < m.total) m.data = allocate(m.total, m.kind);
      m.data.set(new Uint8Array(this.sab, CONTROL_BYTES + m.got, written - m.got), m.got);
      m.got = written;
    }
    if (m.got < m.total) return false;
    Atomics.store(this.ctl, WRITTEN, 0);
    Atomics.store(this.ctl, BUSY, 0);
    return true;
  }
}
