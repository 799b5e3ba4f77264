// Argument lists when every one is a few numbers: one Float64Array, row after row, instead
// of an array per call. Python's Pool pickles a whole chunk in one go; here map and starmap
// pack their whole input at the call (readCalls), chunks are views of it (sliceCalls), the
// serializer copies one buffer per chunk instead of walking 2 × chunksize arrays, and the
// worker calls the task straight from the numbers (callAt) without building any array. The
// task sees the same arguments: numbers travel exactly as float64 (-0 and NaN included),
// and the argument lists themselves never reach the task (it is called with their
// elements). A chunk's results that are all numbers go back the same way (packValues).

import { SCRATCH_MIN } from '../codec/scratch.ts';
import { keepFreedMemory } from '../transport/libc.ts';

/** Argument lists packed by packCalls: `arity` numbers per call, calls one after the other. */
export interface PackedCalls {
  arity: number;
  values: Float64Array;
}

/** A chunk's argument lists as the scheduler holds them: arrays, or packed. */
export type Calls = unknown[][] | PackedCalls;

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
  if (n * arity * 8 >= SCRATCH_MIN) keepFreedMemory();
  const values = new Float64Array(n * arity);
  for (let i = 0, at = 0; i < n; i++) {
    const args = calls[i]!;
    for (let j = 0; j < arity; j++) values[at++] = args[j] as number;
  }
  return { arity, values };
}

/** The argument lists of a chunk as sent: arrays as they are, PackedCalls unpacked; null stays null. */
export function unpackCalls(calls: unknown[][] | PackedCalls): unknown[][];
export function unpackCalls(calls: unknown[][] | PackedCalls | null): unknown[][] | null;
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

/** The number of calls in `calls`, packed or not. */
export function callCount(calls: Calls): number {
  return Array.isArray(calls) ? calls.length : calls.values.length / calls.arity;
}

/**
 * A whole input read as argument lists, packed at once when every item is a number
 * (`spread` false: one argument each) or an array of numbers of one arity (`spread`):
 * no array per call is ever made, and the numbers are a snapshot, as copies would be.
 * Else `toArgs` of every item.
 */
export function readCalls(input: Iterable<unknown>, spread: boolean, toArgs: (item: unknown, i: number) => unknown[]): Calls {
  // A plain array is read as it is (Array.from walks an iterator: 1.5 ms for 20 000 items).
  const items = Array.isArray(input) && Object.getPrototypeOf(input) === Array.prototype ? (input as unknown[]) : Array.from(input);
  const n = items.length;
  if (n >= MIN_CALLS) {
    if (!spread) {
      let numbers = true;
      for (let i = 0; i < n && numbers; i++) numbers = typeof items[i] === 'number';
      if (numbers) return { arity: 1, values: Float64Array.from(items as number[]) };
    } else if (Array.isArray(items[0])) {
      const packed = packCalls(items as unknown[][]);
      if (!Array.isArray(packed)) return packed;
    }
  }
  return Array.from(items, toArgs);
}

/** Calls `from` to `to` of `calls`: packed ones as a view while there are MIN_CALLS of them, else arrays. */
export function sliceCalls(calls: Calls, from: number, to: number): Calls {
  if (Array.isArray(calls)) return calls.slice(from, to);
  const { arity, values } = calls;
  const part = { arity, values: values.subarray(from * arity, to * arity) };
  return to - from >= MIN_CALLS ? part : unpackCalls(part);
}

/** `calls` as they are sent: arrays packed when they can be, packed views copied out of a larger buffer. */
export function sendable(calls: Calls): Calls {
  if (Array.isArray(calls)) return packCalls(calls);
  const { arity, values } = calls;
  return values.byteLength === values.buffer.byteLength ? calls : { arity, values: values.slice() };
}

/** Call `i` of `calls`, packed or not: `fn` with its arguments, no array built for up to three numbers. */
export function callAt(f: (...args: unknown[]) => unknown, calls: Calls, i: number): unknown {
  if (Array.isArray(calls)) return f(...calls[i]!);
  const { arity, values } = calls;
  const at = i * arity;
  if (arity === 1) return f(values[at]);
  if (arity === 2) return f(values[at], values[at + 1]);
  if (arity === 3) return f(values[at], values[at + 1], values[at + 2]);
  return f(...values.subarray(at, at + arity));
}

/**
 * A chunk's results as they go back: a Float64Array when there are at least MIN_CALLS and
 * every one is a number (the serializer then copies one buffer, and rank 0 reads no
 * number one at a time), else the array itself.
 */
export function packValues(values: unknown[] | Float64Array): unknown[] | Float64Array {
  const n = values.length;
  if (n < MIN_CALLS || !Array.isArray(values)) return values;
  for (let i = 0; i < n; i++) if (typeof values[i] !== 'number') return values;
  return Float64Array.from(values as number[]);
}
