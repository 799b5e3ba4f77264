// A file view: a displacement in bytes and an elementary type; offsets, counts and file
// pointers are counted in etype elements after it.
import type { Datatypes } from '../transport/mpi/abi.ts';

/** The element types a view can count in: a TypedArray class (Uint8Array for bytes). */
export type Etype =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

/** `File.setView`'s argument. */
export interface ViewOptions {
  /** Bytes skipped at the start of the file (default 0). */
  disp?: number;
  /** What offsets and counts count (default Uint8Array: bytes). */
  etype?: Etype;
}

/** A view as the backends use it. */
export interface View {
  disp: number;
  etype: Etype;
  /** Bytes per element. */
  size: number;
  /** The MPI datatype of an element (MPI_BYTE for bytes). */
  datatype: keyof Datatypes;
}

const DATATYPES = new Map<Etype, keyof Datatypes>([
  [Int8Array, 'int8'],
  [Uint8Array, 'byte'],
  [Uint8ClampedArray, 'uint8'],
  [Int16Array, 'int16'],
  [Uint16Array, 'uint16'],
  [Int32Array, 'int32'],
  [Uint32Array, 'uint32'],
  [Float32Array, 'float'],
  [Float64Array, 'double'],
  [BigInt64Array, 'int64'],
  [BigUint64Array, 'uint64'],
]);

/** The bytes view every file starts with. */
export const BYTES: View = { disp: 0, etype: Uint8Array, size: 1, datatype: 'byte' };

/** A view from `setView`'s options, or a message saying what is wrong with them. */
export function makeView(options: ViewOptions | undefined): View | string {
  if (options === null || typeof options !== 'object')
    return `Expected \`view\` to be an object { disp, etype }, got ${options === null ? 'null' : typeof options}`;
  const disp = options.disp ?? 0;
  if (!Number.isSafeInteger(disp) || disp < 0) return `Expected \`disp\` to be an integer >= 0, got ${String(disp)} (${typeof disp})`;
  const etype = options.etype ?? Uint8Array;
  const datatype = DATATYPES.get(etype);
  if (!datatype)
    return `Expected \`etype\` to be a TypedArray class (Float64Array, Int32Array, Uint8Array, ...), got ${String((etype as { name?: unknown } | undefined)?.name ?? etype)}`;
  return { disp, etype, size: etype.BYTES_PER_ELEMENT, datatype };
}
