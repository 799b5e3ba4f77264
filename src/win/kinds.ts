// The element kinds a window holds, numbered the same on every rank (the kind travels in
// creation's allgather and in the processes engine's requests).
import type { TypedArray } from '../comm/collectives/ops.ts';

/** A TypedArray constructor a window can be made of. */
export type WinKind = (new (buffer: ArrayBufferLike | number, byteOffset?: number, length?: number) => TypedArray) & { readonly BYTES_PER_ELEMENT: number };

/** Window element kinds, by code. Buffer counts as Uint8Array. */
export const KINDS: readonly WinKind[] = [
  Int8Array,
  Uint8Array,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
  Float32Array,
  Float64Array,
  Uint8ClampedArray,
] as unknown as WinKind[];

/** The code of `ctor`, or -1 when a window cannot hold it. */
export function kindCode(ctor: unknown): number {
  if (ctor === Buffer) return 1;
  return KINDS.indexOf(ctor as WinKind);
}

/** The code of an array's kind (Buffer counts as Uint8Array). */
export function kindOf(a: TypedArray): number {
  return Buffer.isBuffer(a) ? 1 : kindCode(a.constructor);
}

export function kindName(code: number): string {
  return KINDS[code]?.name ?? `kind #${code}`;
}

/** Integer kinds that Atomics can update (every integer kind but Uint8ClampedArray). */
export function atomicKind(code: number): boolean {
  return code >= 0 && code <= 7;
}

export function isFloatKind(code: number): boolean {
  return code === 8 || code === 9;
}

/** A view of `n` elements of kind `code` at `byteOffset` of `buffer`. */
export function view(code: number, buffer: ArrayBufferLike, byteOffset: number, n: number): TypedArray {
  return new KINDS[code]!(buffer, byteOffset, n);
}
