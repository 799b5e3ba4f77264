/**
 * The bytes on a processes-transport connection. The connecting rank first writes a
 * hello; then every message is a 16-byte header followed by its payload:
 *
 *   u32 payload bytes   i32 tag   i32 context   u32 kind | SYNC_KIND   (little-endian)
 *
 * The source is the connection's (from the hello): a connection carries one direction
 * of one pair of ranks, so messages of a pair arrive in the order they were sent.
 */

export const HEADER_BYTES = 16;
/** Bit of the kind field: the message was sent in synchronous mode (ssend); kinds are below 256. */
export const SYNC_KIND = 0x100;
/** "RNKS": tells a ranks connection from a stray one. */
export const HELLO_MAGIC = 0x534b4e52;
export const HELLO_BYTES = 16;

/** Writes a message header at `at`. */
export function writeHeader(buf: Buffer, at: number, bytes: number, tag: number, context: number, kind: number): void {
  buf.writeUInt32LE(bytes, at);
  buf.writeInt32LE(tag, at + 4);
  buf.writeInt32LE(context, at + 8);
  buf.writeUInt32LE(kind, at + 12);
}

/** A message header on its own, for payloads written without a copy. */
export function header(bytes: number, tag: number, context: number, kind: number): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_BYTES);
  writeHeader(buf, 0, bytes, tag, context, kind);
  return buf;
}

/** The first bytes a connecting rank writes: who it is, and which process of that rank. */
export function hello(source: number, pid: number): Buffer {
  const buf = Buffer.allocUnsafe(HELLO_BYTES);
  buf.writeUInt32LE(HELLO_MAGIC, 0);
  buf.writeUInt32LE(source, 4);
  buf.writeUInt32LE(pid, 8);
  buf.writeUInt32LE(0, 12);
  return buf;
}
