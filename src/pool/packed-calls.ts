// A chunk's argument lists when every one is a few numbers: one Float64Array, row after
// row, instead of an array per call. Python's Pool pickles a whole chunk in one go; here
// the serializer then copies one buffer instead of walking 2 × chunksize arrays, and the
// worker reads the numbers back without deserializing any. The task sees the same
// arguments: numbers travel exactly as float64 (-0 and NaN included), and the argument
// lists themselves never reach the task (it is called with their elements).

/** Argument lists packed by packCalls: `arity` numbers per call, calls one after the other. */
export interface PackedCalls {
  arity: number;
  values: Float64Array;
}

/** Chunks with fewer calls than this keep their arrays (nothing to gain). */
const MIN_CALLS = 8;
/** Calls with more arguments than this keep their arrays. */
const MAX_ARITY = 8;

/** `calls` as PackedCalls when every argument list is `arity` numbers (the same arity throughout), else `calls`. */
export function packCalls(calls: unknown[][]): unknown[][] | PackedCalls {
  const n = calls.length;
  if (n < MIN_CALLS) return calls;
  const first = calls[0];
  if (!Array.isArray(first)) return calls;
  const arity = first.length;
  if (arity < 1 || arity > MAX_ARITY) return calls;
  for (let i = 0; i < n; i++) {
    const args = calls[i];
    if (!Array.isArray(args) || args.length !== arity) return calls;
    for (let j = 0; j < arity; j++) if (typeof args[j] !== 'number') return calls;
  }
  const values = new Float64Array(n * arity);
  for (let i = 0, at = 0; i < n; i++) {
    const args = calls[i]!;
    for (let j = 0; j < arity; j++) values[at++] = args[j] as number;
  }
  return { arity, values };
}

/** The argument lists of a chunk as sent: arrays as they are, PackedCalls unpacked; null stays null. */
export function unpackCalls(calls: unknown[][] | PackedCalls | null): unknown[][] | null {
  if (calls === null || Array.isArray(calls)) return calls;
  const { arity, values } = calls;
  const out: unknown[][] = [];
  for (let at = 0; at < values.length; at += arity) {
    const args: number[] = [];
    for (let j = 0; j < arity; j++) args.push(values[at + j]!);
    out.push(args);
  }
  return out;
}
