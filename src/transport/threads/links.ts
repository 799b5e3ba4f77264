import type { Incoming, Matcher } from '../matching.ts';
import type { TransportOp } from '../op.ts';
import { FIRST, LAST, RingReader, RingWriter, type RecordSink } from './ring.ts';

/** Record flag beside FIRST and LAST, on a message's first fragment: sent in synchronous mode (ssend). */
export const SYNC = 4;

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
}

/** This rank's ring to one peer, with the sends waiting for room in it. */
export class RingOutLink {
  readonly writer: RingWriter;
  readonly queue: PendingSend[] = [];

  constructor(
    readonly dest: number,
    ring: SharedArrayBuffer,
  ) {
    this.writer = new RingWriter(ring);
  }

  /** Writes as much of `s` as fits; true when all of it is in the ring. */
  push(s: PendingSend): boolean {
    const total = s.bytes.byteLength;
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

/** One peer's ring into this rank; reassembles fragments into the matched destination. */
export class RingInLink {
  readonly reader: RingReader;
  /** The message whose fragments are arriving. */
  current: Incoming | undefined;
  readonly sink: RecordSink;

  constructor(
    readonly source: number,
    ring: SharedArrayBuffer,
    matcher: Matcher,
  ) {
    this.reader = new RingReader(ring);
    this.sink = (kind, flags, tag, context, total, bytes, at, length) => {
      const m = flags & FIRST ? (this.current = matcher.arrive(this.source, tag, context, kind, total, (flags & SYNC) !== 0)) : this.current!;
      if (length > 0) {
        m.data.set(bytes.subarray(at, at + length), m.got);
        m.got += length;
      }
      if (flags & LAST) {
        this.current = undefined;
        matcher.complete(m);
      }
    };
  }

  /** Messages that started or sit in the ring but were never received. */
  unread(): number {
    return (this.current ? 1 : 0) + (this.reader.pending() ? 1 : 0);
  }
}
