// Payload kinds: how the receiver rebuilds a value from raw bytes. Codes travel in
// message headers, so they are fixed numbers, never reordered.

export const OBJECT = 0;
export const ARRAY_BUFFER = 1;
export const DATA_VIEW = 2;
export const SHARED_ARRAY_BUFFER = 3;
export const NODE_BUFFER = 4;
/** A plain number as 8 little-endian bytes (float64): no serializer on the hot path. */
export const NUMBER = 5;

/** True for kinds that are values rebuilt by ranks (objects, numbers), not raw bytes a receive may take in place. */
export function isValueKind(kind: number): boolean {
  return kind === OBJECT || kind === NUMBER;
}

type ViewCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayBufferView;

/** Typed array constructors by kind code (codes 8..). */
export const TYPED: readonly (ViewCtor & { BYTES_PER_ELEMENT: number })[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];
export const TYPED_BASE = 8;

const kindOfCtor = new Map<unknown, number>(TYPED.map((c, i) => [c, TYPED_BASE + i]));

/** The raw kind of a view, ArrayBuffer or SharedArrayBuffer; undefined for any other value. */
export function rawKind(value: unknown): number | undefined {
  if (ArrayBuffer.isView(value)) {
    const k = kindOfCtor.get(value.constructor);
    if (k !== undefined) return k;
    if (value instanceof DataView) return DATA_VIEW;
    if (Buffer.isBuffer(value)) return NODE_BUFFER;
    for (let i = 0; i < TYPED.length; i++) if (value instanceof TYPED[i]!) return TYPED_BASE + i;
    return undefined;
  }
  if (value instanceof ArrayBuffer) return ARRAY_BUFFER;
  if (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer) return SHARED_ARRAY_BUFFER;
  return undefined;
}

/** Element size of a raw kind (1 for byte kinds). */
export function elementSize(kind: number): number {
  return kind >= TYPED_BASE ? TYPED[kind - TYPED_BASE]!.BYTES_PER_ELEMENT : 1;
}

/** A short name for a kind, for error messages. */
export function kindName(kind: number): string {
  if (kind >= TYPED_BASE) return TYPED[kind - TYPED_BASE]?.name ?? `kind ${kind}`;
  return ['object', 'ArrayBuffer', 'DataView', 'SharedArrayBuffer', 'Buffer', 'number'][kind] ?? `kind ${kind}`;
}
