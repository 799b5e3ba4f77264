import { InvalidArgumentError } from '../errors.ts';

/** The bytes a value to send occupies: its buffer and byte range, if it has memory of its own. */
function memoryOf(value: unknown): { buffer: ArrayBufferLike; start: number; end: number } | undefined {
  if (ArrayBuffer.isView(value)) return { buffer: value.buffer, start: value.byteOffset, end: value.byteOffset + value.byteLength };
  if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer))
    return { buffer: value, start: 0, end: value.byteLength };
  return undefined;
}

/** sendrecv cannot receive into the memory it sends from (use sendrecvReplace). */
export function checkNoAlias(value: unknown, into: unknown): void {
  if (!ArrayBuffer.isView(into)) return;
  const sent = memoryOf(value);
  if (!sent || sent.buffer !== into.buffer) return;
  const start = Math.max(sent.start, into.byteOffset);
  const end = Math.min(sent.end, into.byteOffset + into.byteLength);
  if (start < end) {
    throw new InvalidArgumentError(
      `sendrecv: \`into\` shares bytes ${start}..${end} of its buffer with the value sent; receive into other memory, or use sendrecvReplace(buf, dest, options) to send and receive in one buffer`,
    );
  }
}
