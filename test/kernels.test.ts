import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BAND, BOR, BXOR, MAX, MIN, PROD, SUM, type Op } from 'ranks';
import { fastKernel } from '../src/comm/collectives/kernels.ts';
import { HANGS } from './helpers.ts';

const OPS: [Op, (x: number, y: number) => number, boolean][] = [
  [SUM, (x, y) => x + y, false],
  [PROD, (x, y) => x * y, false],
  [MIN, (x, y) => (y < x ? y : x), false],
  [MAX, (x, y) => (y > x ? y : x), false],
  [BAND, (x, y) => x & y, true],
  [BOR, (x, y) => x | y, true],
  [BXOR, (x, y) => x ^ y, true],
];
type Arr = Float64Array | Float32Array | Int32Array | Uint8Array | Int16Array | Uint32Array;
type Ctor = new (n: number) => Arr;
const TYPES: Ctor[] = [Float64Array, Float32Array, Int32Array, Uint8Array, Int16Array, Uint32Array];
const FLOATS: Ctor[] = [Float64Array, Float32Array];

function filled(C: Ctor, n: number, seed: number): Arr {
  const a = new C(n);
  for (let i = 0; i < n; i++) a[i] = ((i * 7919 + seed * 104729) % 201) - 100 + (FLOATS.includes(C) ? 0.25 : 0);
  return a;
}

describe('reduction kernels compiled per element type', { timeout: HANGS }, () => {
  test('every op on every element type gives what the element-wise rule gives: any length, any range, the output aliasing an input', () => {
    for (const [op, rule, integer] of OPS) {
      for (const C of TYPES) {
        if (integer && FLOATS.includes(C)) continue;
        for (const n of [0, 1, 7, 8, 9, 63, 1000]) {
          const a = filled(C, n, 1);
          const b = filled(C, n, 2);
          const want = new C(n);
          for (let i = 0; i < n; i++) want[i] = rule(a[i]!, b[i]!);
          const out = new C(n);
          op.apply(a, b).forEach((v: number, i: number) => (out[i] = v));
          assert.deepEqual(out, want, `${op.name} ${C.name} n=${n}`);
          // A range only, written over `a` itself (an allreduce in place).
          const from = Math.min(n, 3);
          const to = Math.max(from, n - 2);
          const inPlace = a.slice();
          const left = a.slice();
          (op as unknown as { applyInto(o: unknown, a: unknown, b: unknown, f: number, t: number): void }).applyInto(inPlace, inPlace, b, from, to);
          for (let i = 0; i < n; i++) assert.equal(inPlace[i], i >= from && i < to ? want[i] : left[i], `${op.name} ${C.name} n=${n} in place, element ${i}`);
        }
      }
    }
  });

  test('a kernel is made once per op and element type', () => {
    assert.equal(fastKernel('x + y', Float64Array), fastKernel('x + y', Float64Array));
    assert.notEqual(fastKernel('x + y', Float64Array), fastKernel('x + y', Int32Array));
  });
});
