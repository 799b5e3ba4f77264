// Typed arrays of any kind, as collectives take and return them: the type, a zeroed array
// of the same kind, an unshared copy, and the test (a DataView is not one).

/** A TypedArray of any kind (not a DataView). */
export type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** A new zeroed array of `like`'s kind (Buffer included, without its deprecated constructor). */
export function allocLike<A extends TypedArray>(like: A, length: number): A {
  if (Buffer.isBuffer(like)) return Buffer.alloc(length) as unknown as A;
  return new (like.constructor as new (n: number) => A)(length);
}

/** A copy of `[from, to)` of `v` that shares no memory with it (Buffer's slice would). */
export function copyOf<A extends TypedArray>(v: A, from = 0, to = v.length): A {
  const out = allocLike(v, to - from);
  out.set(v.subarray(from, to) as never);
  return out;
}

export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}
