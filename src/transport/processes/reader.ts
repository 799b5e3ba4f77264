import type { Incoming, Matcher } from '../matching.ts';
import { HEADER_BYTES, HELLO_MAGIC, SYNC_KIND } from './frame.ts';

/**
 * Reads one incoming connection: its hello (as long as a header), then message headers and payloads as the
 * socket's chunks come, straight into the matcher. A payload is copied once, from the
 * chunk into the buffer of the receive that takes it (or a fresh one when none is posted).
 */
export class FrameReader {
  /** The sending rank, once its hello has been read. */
  source = -1;
  /** A message whose payload is still arriving. */
  current: Incoming | undefined;
  private readonly head = Buffer.alloc(HEADER_BYTES);
  private headFill = 0;

  /** `onHello(source, pid)` says whether to take this connection; false ends the reading. */
  /** `arrived[source]` counts the messages whose header has been read, for deadlock checks. */
  constructor(
    private readonly matcher: Matcher,
    private readonly onHello: (source: number, pid: number) => boolean,
    private readonly arrived: number[] = [],
  ) {}

  /** Takes in a chunk; false when the connection must be dropped (a bad or refused hello). */
  feed(chunk: Buffer): boolean {
    const len = chunk.length;
    let off = 0;
    while (off < len) {
      let m = this.current;
      if (!m) {
        let h = chunk;
        let at = off;
        if (this.headFill === 0 && len - off >= HEADER_BYTES) off += HEADER_BYTES;
        else {
          const take = Math.min(HEADER_BYTES - this.headFill, len - off);
          chunk.copy(this.head, this.headFill, off, off + take);
          this.headFill += take;
          off += take;
          if (this.headFill < HEADER_BYTES) return true;
          this.headFill = 0;
          h = this.head;
          at = 0;
        }
        if (this.source < 0) {
          if (!this.greet(h, at)) return false;
          continue;
        }
        const total = h.readUInt32LE(at);
        this.arrived[this.source] = (this.arrived[this.source] ?? 0) + 1;
        const kind = h.readUInt32LE(at + 12);
        m = this.matcher.arrive(this.source, h.readInt32LE(at + 4), h.readInt32LE(at + 8), kind & ~SYNC_KIND, total, (kind & SYNC_KIND) !== 0);
        if (total === 0) {
          this.matcher.complete(m);
          continue;
        }
        this.current = m;
      }
      const take = Math.min(m.total - m.got, len - off);
      // `m.data` may have moved: a receive that took the message part-way gave its own buffer.
      m.data.set(take === len && off === 0 ? chunk : chunk.subarray(off, off + take), m.got);
      m.got += take;
      off += take;
      if (m.got === m.total) {
        this.current = undefined;
        this.matcher.complete(m);
      }
    }
    return true;
  }

  private greet(h: Buffer, at: number): boolean {
    if (h.readUInt32LE(at) !== HELLO_MAGIC) return false;
    const source = h.readUInt32LE(at + 4);
    if (!this.onHello(source, h.readUInt32LE(at + 8))) return false;
    this.source = source;
    return true;
  }
}
