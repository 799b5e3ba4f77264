// Element-wise atomic accumulates on shared memory (the threads transport's windows).
// Integer kinds use Atomics one element at a time: add/and/or/xor/exchange directly, the
// other ops through a compare-and-swap loop. Floats (and Uint8ClampedArray, which
// Atomics refuses) take the target's accumulate lock word for the whole call: a short
// critical section that never awaits, so a spin (then a brief Atomics.wait) suffices.
import type { Op, TypedArray } from '../comm/collectives/ops.ts';
import { atomicKind } from './kinds.ts';

/** Word indexes of a rank's window control block (an Int32Array on a SharedArrayBuffer). */
export const LOCK = 0;
/** Bumped and notified whenever LOCK is released, so lock waiters wake. */
export const BELL = 1;
/** The accumulate lock word for kinds Atomics cannot update. */
export const ACC = 2;
export const CONTROL_WORDS = 4;

type Num = number & bigint;
type Scalar = (a: Num, b: Num) => unknown;
type Ints = Int32Array & BigInt64Array;

const SPINS = 200;
// The ops Atomics does in one call, by ops.ts code (SUM, BAND, BOR, BXOR, REPLACE).
const DIRECT: unknown = { 1: Atomics.add, 8: Atomics.and, 9: Atomics.or, 10: Atomics.xor, 13: Atomics.exchange };

function lockAcc(ctl: Int32Array): void {
  for (let i = 0; Atomics.compareExchange(ctl, ACC, 0, 1) !== 0; i++) {
    // The holder is in a loop that never awaits; only a descheduled holder takes longer.
    if (i > SPINS) Atomics.wait(ctl, ACC, 1, 1);
  }
}

function unlockAcc(ctl: Int32Array): void {
  Atomics.store(ctl, ACC, 0);
  Atomics.notify(ctl, ACC, 1);
}

function truthy(x: unknown): boolean {
  return x !== 0 && x !== 0n;
}

// The compare-and-swap ops, by ops.ts code; `big` gives 1n/0n for the logical ones.
function scalarOf(code: number, big: boolean, narrow: boolean): Scalar | undefined {
  const one = (big ? 1n : 1) as Num;
  const zero = (big ? 0n : 0) as Num;
  switch (code) {
    case 2:
      return narrow ? (a, b) => Math.imul(a, b) : (a, b) => a * b;
    case 3:
      return (a, b) => (b < a ? b : a);
    case 4:
      return (a, b) => (b > a ? b : a);
    case 5:
      return (a, b) => (truthy(a) && truthy(b) ? one : zero);
    case 6:
      return (a, b) => (truthy(a) || truthy(b) ? one : zero);
    case 7:
      return (a, b) => (truthy(a) !== truthy(b) ? one : zero);
    default:
      return undefined;
  }
}

/**
 * target[off + i] = target[off + i] op data[i]; `result`, when given, gets the old
 * elements. `kind` is the window's element kind; `ctl` the target's control block.
 */
export function accumulateShared(target: TypedArray, off: number, data: TypedArray, op: Op, kind: number, ctl: Int32Array, result?: TypedArray): void {
  const n = data.length;
  if (!atomicKind(kind)) {
    const span = target.subarray(off, off + n);
    lockAcc(ctl);
    try {
      result?.set(span as never);
      op.applyInto(span, span, data, 0, n);
    } finally {
      unlockAcc(ctl);
    }
    return;
  }
  const t = target as Ints;
  const d = data as Ints;
  const r = result as Ints | undefined;
  const direct = (DIRECT as Record<number, ((a: Ints, i: number, v: Num) => Num) | undefined>)[op.code];
  if (direct) {
    for (let i = 0; i < n; i++) {
      const old = direct(t, off + i, d[i] as Num);
      if (r) r[i] = old;
    }
    return;
  }
  if (op.code === 14) {
    if (r) for (let i = 0; i < n; i++) r[i] = Atomics.load(t, off + i) as Num;
    return;
  }
  const f = scalarOf(op.code, kind >= 6, kind <= 5)!;
  for (let i = 0; i < n; i++) {
    const j = off + i;
    let old = Atomics.load(t, j) as Num;
    for (;;) {
      const seen = Atomics.compareExchange(t, j, old, f(old, d[i] as Num) as Num) as Num;
      if (seen === old) break;
      old = seen;
    }
    if (r) r[i] = old;
  }
}

/** result[0] = target[off]; target[off] = value[0] when it was compare[0] (bitwise, for floats). */
export function compareAndSwapShared(
  target: TypedArray,
  off: number,
  value: TypedArray,
  compare: TypedArray,
  kind: number,
  ctl: Int32Array,
  result: TypedArray,
): void {
  if (atomicKind(kind)) {
    result[0] = Atomics.compareExchange(target as Ints, off, compare[0] as Num, value[0] as Num) as Num;
    return;
  }
  const size = target.BYTES_PER_ELEMENT;
  const at = new Uint8Array(target.buffer, target.byteOffset + off * size, size);
  const want = new Uint8Array(compare.buffer, compare.byteOffset, size);
  lockAcc(ctl);
  try {
    result[0] = target[off]!;
    if (at.every((b, i) => b === want[i])) target[off] = value[0]!;
  } finally {
    unlockAcc(ctl);
  }
}
