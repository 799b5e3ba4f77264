// The arguments of point-to-point calls and collectives, checked at the call (the rule and
// the message format are src/validate.ts's: a number out of range is ERR_OUT_OF_RANGE,
// anything else ERR_INVALID_ARG).
import { ANY_SOURCE, ANY_TAG, PROC_NULL, TAG_UB } from '../constants.ts';
import { checkInteger, expected } from '../validate.ts';

export { checkTimeout } from '../validate.ts';

function isRank(value: unknown, size: number, ...also: number[]): value is number {
  return Number.isInteger(value) && (((value as number) >= 0 && (value as number) < size) || also.includes(value as number));
}

/** A destination rank: 0..size-1 or PROC_NULL. */
export function checkDest(dest: unknown, size: number): number {
  if (isRank(dest, size, PROC_NULL)) return dest;
  return expected('dest', `a rank in 0..${size - 1} or PROC_NULL`, dest, typeof dest === 'number');
}

/** A source rank: 0..size-1, ANY_SOURCE or PROC_NULL. */
export function checkSource(source: unknown, size: number): number {
  if (source === undefined) return ANY_SOURCE;
  if (isRank(source, size, ANY_SOURCE, PROC_NULL)) return source;
  return expected('source', `a rank in 0..${size - 1}, ANY_SOURCE or PROC_NULL`, source, typeof source === 'number');
}

/** A tag to send with: 0..TAG_UB. */
export function checkSendTag(tag: unknown, name = 'tag'): number {
  if (tag === undefined) return 0;
  if (Number.isInteger(tag) && (tag as number) >= 0 && (tag as number) <= TAG_UB) return tag as number;
  return expected(name, `an integer in 0..${TAG_UB}`, tag, typeof tag === 'number');
}

/** A tag to receive with: 0..TAG_UB or ANY_TAG. */
export function checkRecvTag(tag: unknown, name = 'tag'): number {
  if (tag === undefined || tag === ANY_TAG) return ANY_TAG;
  return checkSendTag(tag, name);
}

/** A receive buffer: any ArrayBufferView. */
export function checkInto(into: unknown): ArrayBufferView | undefined {
  if (into === undefined || ArrayBuffer.isView(into)) return into;
  return expected('into', 'a TypedArray or DataView', into, false);
}

/** A root rank: 0..size-1. */
export function checkRoot(root: unknown, size: number): number {
  if (root === undefined) return 0;
  if (isRank(root, size)) return root;
  return expected('root', `a rank in 0..${size - 1}`, root, typeof root === 'number');
}

/** Element counts per rank (v-forms): `size` integers >= 0. */
export function checkCounts(counts: unknown, size: number): readonly number[] | undefined {
  if (counts === undefined) return undefined;
  if (!Array.isArray(counts) || counts.length !== size) return expected('counts', `an array of ${size} integers >= 0 (one per rank)`, counts, false);
  counts.forEach((c: unknown, i) => checkInteger(`counts[${i}]`, c, { min: 0 }));
  return counts as number[];
}
