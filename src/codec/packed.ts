// ranks' own encoding for the common shapes of object payloads, tried before V8's
// serializer: a plain array of numbers (float64 bytes), a string (Latin-1 or UTF-16 bytes)
// and trees of plain objects, dense arrays, strings, numbers, booleans, null and undefined
// (records with the same keys share one key list). Anything else (Map, Set, Date, BigInt,
// class instances, sparse arrays, shared or cyclic references, `__proto__` keys, named
// properties on arrays) makes `pack` return undefined and the caller uses V8's
// serializer, whose bytes always start with 0xFF: the first byte tells the two apart.
// The trees' writer and reader are packed-tree.ts.
//
// Round trips equal what V8's serializer gives: -0 and NaN survive (numbers travel as
// float64 or as int32 when they are one), lone surrogates survive (strings are Latin-1 when
// every code unit fits, UTF-16 otherwise), key order is kept. One documented difference:
// named (non-index) properties set on an array of more than SMALL_ARRAY elements are not
// carried (finding them would cost a string per element).
import { SMALL_ARRAY, WIDE, packTree } from './packed-tree.ts';
import { bufferOf, unpackTree } from './tree-reader.ts';
import { scratch } from './scratch.ts';

export { SMALL_ARRAY } from './packed-tree.ts';

/** First byte of V8's serialization (its version tag): never a packed shape. */
export const V8_FIRST = 0xff;
/** A plain array of numbers: byte 0 is the shape, bytes 8.. the float64 values. */
const F64_ARRAY = 1;
/** A string whose code units all fit a byte: its Latin-1 bytes from byte 1. */
const LATIN1 = 2;
/** Any other string: UTF-16 code units from byte 2. */
const UTF16 = 3;
/** A tree of values, from byte 1. */
const TREE = 4;

/** A top-level array of numbers at least this long travels as float64 bytes. */
const F64_MIN = 16;

/** The packed bytes of `value`, or undefined when V8's serializer must encode it. */
export function pack(value: unknown): Uint8Array | undefined {
  if (typeof value === 'string') return packString(value);
  if (Array.isArray(value) && value.length >= F64_MIN) {
    const f = packNumbers(value);
    if (f) return f;
  }
  return packTree(value, TREE);
}

/** Rebuilds a value from packed bytes (first byte is not V8_FIRST). */
export function unpack(data: Uint8Array): unknown {
  switch (data[0]) {
    case F64_ARRAY:
      return unpackNumbers(data);
    case LATIN1:
      return bufferOf(data).toString('latin1', 1);
    case UTF16:
      return bufferOf(data).toString('utf16le', 2);
    case TREE:
      return unpackTree(data);
    default:
      throw new TypeError(`Unknown packed shape ${data[0]}`);
  }
}

function packString(s: string): Uint8Array {
  if (!WIDE.test(s)) {
    const out = scratch(1 + s.length);
    out[0] = LATIN1;
    bufferOf(out).write(s, 1, 'latin1');
    return out;
  }
  const out = scratch(2 + 2 * s.length);
  out[0] = UTF16;
  out[1] = 0;
  bufferOf(out).write(s, 2, 'utf16le');
  return out;
}

function packNumbers(a: unknown[]): Uint8Array | undefined {
  const n = a.length;
  if (Object.getPrototypeOf(a) !== Array.prototype) return undefined;
  for (let i = 0; i < n; i++) if (typeof a[i] !== 'number') return undefined;
  if (n <= SMALL_ARRAY && Object.keys(a).length !== n) return undefined;
  const out = scratch(8 + 8 * n);
  out.fill(0, 0, 8);
  out[0] = F64_ARRAY;
  const f = new Float64Array(out.buffer, 8, n);
  for (let i = 0; i < n; i++) f[i] = a[i] as number;
  return out;
}

function unpackNumbers(data: Uint8Array): number[] {
  const n = (data.byteLength - 8) / 8;
  const start = data.byteOffset + 8;
  const f = start % 8 === 0 ? new Float64Array(data.buffer, start, n) : new Float64Array(data.slice(8).buffer);
  // Filling a preallocated array keeps its elements unboxed doubles (no object per number).
  const out = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) out[i] = f[i]!;
  return out;
}
