import { ANY_SOURCE, ANY_TAG, PROC_NULL, TAG_UB } from '../constants.ts';
import { ArgumentRangeError, InvalidArgumentError } from '../errors.ts';

function show(value: unknown): string {
  return `${typeof value === 'bigint' ? `${value}n` : String(value)} (${typeof value})`;
}

/** A destination rank: 0..size-1 or PROC_NULL. */
export function checkDest(dest: unknown, size: number): number {
  if (Number.isInteger(dest) && (((dest as number) >= 0 && (dest as number) < size) || dest === PROC_NULL)) return dest as number;
  throw new ArgumentRangeError(`Expected \`dest\` to be a rank in 0..${size - 1} or PROC_NULL, got ${show(dest)}`);
}

/** A source rank: 0..size-1, ANY_SOURCE or PROC_NULL. */
export function checkSource(source: unknown, size: number): number {
  if (source === undefined) return ANY_SOURCE;
  if (Number.isInteger(source) && (((source as number) >= 0 && (source as number) < size) || source === ANY_SOURCE || source === PROC_NULL)) return source as number;
  throw new ArgumentRangeError(`Expected \`source\` to be a rank in 0..${size - 1}, ANY_SOURCE or PROC_NULL, got ${show(source)}`);
}

/** A tag to send with: 0..TAG_UB. */
export function checkSendTag(tag: unknown, name = 'tag'): number {
  if (tag === undefined) return 0;
  if (Number.isInteger(tag) && (tag as number) >= 0 && (tag as number) <= TAG_UB) return tag as number;
  throw new ArgumentRangeError(`Expected \`${name}\` to be an integer in 0..${TAG_UB}, got ${show(tag)}`);
}

/** A tag to receive with: 0..TAG_UB or ANY_TAG. */
export function checkRecvTag(tag: unknown, name = 'tag'): number {
  if (tag === undefined || tag === ANY_TAG) return ANY_TAG;
  return checkSendTag(tag, name);
}

/** A timeout in milliseconds: a finite number >= 0, or undefined. */
export function checkTimeout(timeout: unknown): number | undefined {
  if (timeout === undefined) return undefined;
  if (typeof timeout === 'number' && timeout >= 0 && Number.isFinite(timeout)) return timeout;
  throw new ArgumentRangeError(`Expected \`timeout\` to be a number of milliseconds >= 0, got ${show(timeout)}`);
}

/** A receive buffer: any ArrayBufferView. */
export function checkInto(into: unknown): ArrayBufferView | undefined {
  if (into === undefined || ArrayBuffer.isView(into)) return into;
  throw new InvalidArgumentError(`Expected \`into\` to be a TypedArray or DataView, got ${show(into)}`);
}

/** A root rank: 0..size-1. */
export function checkRoot(root: unknown, size: number): number {
  if (root === undefined) return 0;
  if (Number.isInteger(root) && (root as number) >= 0 && (root as number) < size) return root as number;
  throw new ArgumentRangeError(`Expected \`root\` to be a rank in 0..${size - 1}, got ${show(root)}`);
}

/** Element counts per rank (v-forms): `size` integers >= 0. */
export function checkCounts(counts: unknown, size: number): readonly number[] | undefined {
  if (counts === undefined) return undefined;
  if (Array.isArray(counts) && counts.length === size && counts.every((c) => Number.isInteger(c) && c >= 0)) return counts as number[];
  throw new InvalidArgumentError(`Expected \`counts\` to be an array of ${size} integers >= 0 (one per rank), got ${Array.isArray(counts) ? `[${counts.join(', ')}]` : show(counts)}`);
}
