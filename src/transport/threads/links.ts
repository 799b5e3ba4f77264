import type { Incoming, Matcher } from '../matching.ts';
import type { TransportOp } from '../op.ts';
import { performance } from 'node:perf_hooks';
import { BulkReader, BulkWriter, OFFER_MS, bulkable } from './bulk.ts';
import { FIRST, LAST, RingReader, RingWriter, type RecordSink } from './ring.ts';

/** Record flag beside FIRST and LAST, on a message's first fragment: sent in synchronous mode (ssend). */
export const SYNC = 4;
/** Record flag: the message's payload is in the link's bulk area, not in the ring (see bulk.ts). */
export const BULK = 8;

/** A send that did not fit the ring at once; finished by the progress loop. */
export interface PendingSend {
  context: number;
  tag: number;
  kind: number;
  bytes: Uint8Array;
  sent: number;
  op: TransportOp<void> | undefined;
  /** SYNC for a synchronous send, else 0. */
  sync: number;
  /** When the send offered its buffer for one copy (bulk.ts), while the offer stands; else 0. */
  offered: number;
}

/** This rank's ring to one peer (and its bulk area), with the sends waiting for room in it. */
export class RingOutLink {
  readonly writer: RingWriter;
  readonly bulk: BulkWriter;
  readonly queue: PendingSend[] = [];

  constructor(
    readonly dest: number,
    ring: SharedArrayBuffer,
    bulk: SharedArrayBuffer,
    job: Int32Array,
  ) {
    this.writer = new RingWriter(ring);
    this.bulk = new BulkWriter(bulk, job, dest);
  }

  /**
   * Sends a large message whole through the bulk area: a BULK record in the ring, then
   * one copy of the payload. False (nothing written) when the receiver still holds the
   * area or the ring has no room for the record: the caller sends it as fragments.
   */
  pushBulk(kind: number, sync: number, tag: number, context: number, bytes: Uint8Array): boolean {
    const n = bytes.byteLength;
    if (!this.bulk.claim(n)) return false;
    if (!this.writer.write(kind, FIRST | LAST | BULK | sync, tag, context, n, bytes, 0, 0)) {
      this.bulk.release();
      return false;
    }
    this.bulk.fill(bytes);
    return true;
  }

  /**
   * Offers a large message for one copy: the area claimed with `bytes`' address, then a
   * BULK record. False (nothing written) when the area is held, one copy is off or the
   * ring has no room for the record.
   */
  offer(kind: number, sync: number, tag: number, context: number, bytes: Uint8Array): boolean {
    if (!this.bulk.offer(bytes)) return false;
    if (this.writer.write(kind, FIRST | LAST | BULK | sync, tag, context, bytes.byteLength, bytes, 0, 0)) return true;
    this.bulk.release();
    return false;
  }

  /**
   * Writes as much of `s` as fits; true when all of it is in the ring (an offered send:
   * once the receiver has copied it, or it was withdrawn into the bulk area, which the
   * sender does once the offer is OFFER_MS old, or at once when `withdraw`).
   */
  push(s: PendingSend, withdraw = false): boolean {
    const total = s.bytes.byteLength;
    if (s.offered !== 0) {
      if (this.bulk.copying()) this.bulk.help(total);
      if (!this.bulk.taken() && !((withdraw || performance.now() - s.offered >= OFFER_MS) && this.bulk.withdraw(s.bytes))) return false;
      s.offered = 0;
      s.sent = total;
      return true;
    }
    if (s.sent === 0 && bulkable(total) && this.pushBulk(s.kind, s.sync, s.tag, s.context, s.bytes)) {
      s.sent = total;
      return true;
    }
    const max = this.writer.maxFragment;
    do {
      const len = Math.min(total - s.sent, max);
      const flags = (s.sent === 0 ? FIRST | s.sync : 0) | (s.sent + len === total ? LAST : 0);
      if (!this.writer.write(s.kind, flags, s.tag, s.context, total, s.bytes, s.sent, len)) return false;
      s.sent += len;
    } while (s.sent < total);
    return true;
  }
}

/** One peer's ring (and bulk area) into this rank; reassembles fragments into the matched destination. */
export class RingInLink {
  readonly reader: RingReader;
  readonly bulk: BulkReader;
  /** The message whose fragments (or bulk bytes) are arriving. */
  current: Incoming | undefined;
  /** True while `current` comes through the bulk area: the ring's later records wait until it is whole. */
  private bulkIn = false;
  readonly sink: RecordSink;

  constructor(
    readonly source: number,
    ring: SharedArrayBuffer,
    bulk: SharedArrayBuffer,
    private readonly matcher: Matcher,
    job: Int32Array,
  ) {
    this.reader = new RingReader(ring);
    this.bulk = new BulkReader(bulk, job, source);
    this.sink = (kind, flags, tag, context, total, bytes, at, length) => {
      const m =
        flags & FIRST ? (this.current = matcher.arrive(this.source, tag, context, kind, total, (flags & SYNC) !== 0, (flags & BULK) !== 0)) : this.current!;
      if (flags & BULK) {
        this.bulkIn = true;
        // Stop here: the records behind it are read once it is whole (order, and `current`).
        return !this.copyBulk();
      }
      if (length > 0) {
        m.data.set(bytes.subarray(at, at + length), m.got);
        m.got += length;
      }
      if (flags & LAST) {
        this.current = undefined;
        matcher.complete(m);
      }
      return true;
    };
  }

  /** Copies what has come of the bulk message; true once it is whole (and completed). */
  private copyBulk(): boolean {
    const m = this.current!;
    if (!this.bulk.copy(m)) return false;
    this.bulkIn = false;
    this.current = undefined;
    this.matcher.complete(m);
    return true;
  }

  /** Takes in what arrived: the bulk message in progress, then the ring's records. Returns how many records (and bulk steps) moved. */
  pump(): number {
    let moved = 0;
    if (this.bulkIn) {
      if (!this.bulk.ready(this.current!)) return 0;
      moved++;
      if (!this.copyBulk()) return moved;
    }
    return moved + this.reader.drain(this.sink);
  }

  /** Messages that started or sit in the ring but were never received. */
  unread(): number {
    return (this.current ? 1 : 0) + (this.reader.pending() ? 1 : 0);
  }
}
