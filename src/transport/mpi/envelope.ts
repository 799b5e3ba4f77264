// What a message between two ranks processes looks like on MPI: one MPI message with the
// user's tag on the communicator's MPI communicator, holding a 24-byte header and, when
// small, the payload itself. A large payload follows as a second message on the body
// communicator, straight from the sender's array into the receiver's (zero copy both
// ways). Receives are posted with a buffer of ENVELOPE bytes, so no envelope can ever be
// truncated by MPI (ranks' own truncation keeps the message), and the header carries what
// MPI's envelope cannot: the payload's kind, its size, a per-pair sequence number (to
// order messages set aside against ones still in MPI's queue) and the body's tag.

/** Bytes of the header. */
export const HEADER = 24;
/** Bytes of every posted envelope receive; payloads up to ENVELOPE - HEADER travel inline. */
export const ENVELOPE = 4096;
export const INLINE_MAX = ENVELOPE - HEADER;

const MAGIC = 0xa5;
const VERSION = 1;
/** Flag: the payload follows on the body communicator. */
export const BODY = 1;

/** A parsed header. */
export interface Header {
  kind: number;
  flags: number;
  seq: number;
  bytes: number;
  bodyTag: number;
}

/** Writes a header at the start of the envelope `v` views. */
export function writeHeader(v: DataView, kind: number, flags: number, seq: number, bytes: number, bodyTag: number): void {
  v.setUint8(0, MAGIC);
  v.setUint8(1, kind);
  v.setUint8(2, flags);
  v.setUint8(3, VERSION);
  v.setUint32(4, seq, true);
  v.setFloat64(8, bytes, true);
  v.setUint32(16, bodyTag, true);
  v.setUint32(20, 0, true);
}

/** True when `buf` starts with one of our headers and its payload came inline (count not checked). */
export function isInline(buf: Uint8Array): boolean {
  return buf[0] === MAGIC && buf[3] === VERSION && (buf[2]! & BODY) === 0;
}

/** The header of an envelope of `count` bytes, or undefined when it is not one of ours. */
export function readHeader(buf: Uint8Array, count: number, view?: DataView): Header | undefined {
  if (count < HEADER || buf[0] !== MAGIC || buf[3] !== VERSION) return undefined;
  const v = view ?? new DataView(buf.buffer, buf.byteOffset, HEADER);
  const flags = v.getUint8(2);
  const bytes = v.getFloat64(8, true);
  if (!(flags & BODY) && bytes !== count - HEADER) return undefined;
  return { kind: v.getUint8(1), flags, seq: v.getUint32(4, true), bytes, bodyTag: v.getUint32(16, true) };
}

/**
 * Copies `n` payload bytes from `src` at `from` to `dst` at `to`; a few bytes go one by one,
 * which costs less than the views set() needs (the latency path of tiny messages).
 */
export function copyPayload(dst: Uint8Array, to: number, src: Uint8Array, from: number, n: number): void {
  if (n <= 64) for (let i = 0; i < n; i++) dst[to + i] = src[from + i]!;
  else dst.set(n === src.byteLength && from === 0 ? src : src.subarray(from, from + n), to);
}
