// A chunk's argument lists packed as float64 rows (src/pool/packed-calls.ts): what packs,
// what keeps its arrays, that unpacking gives the same arguments back, and that a pool's
// tasks see exactly the numbers sent (-0, NaN, infinities) on threads and processes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool, tasks } from 'ranks';
import { callAt, callCount, packCalls, packValues, readCalls, sendable, sliceCalls, unpackCalls } from '../src/pool/packed-calls.ts';
import { HANGS } from './helpers.ts';

const math = tasks<typeof import('./fixtures/math-tasks.ts')>(new URL('./fixtures/math-tasks.ts', import.meta.url));
const rows = (n: number, arity: number): number[][] => Array.from({ length: n }, (_, i) => Array.from({ length: arity }, (_, j) => i * 10 + j + 0.5));

describe('packed calls', { timeout: HANGS }, () => {
  test('numbers of one arity pack into one Float64Array and unpack to the same argument lists', () => {
    for (const arity of [1, 2, 8]) {
      const calls = rows(20, arity);
      const packed = packCalls(calls);
      assert.ok(!Array.isArray(packed), `arity ${arity} packs`);
      assert.equal(packed.arity, arity);
      assert.ok(packed.values instanceof Float64Array && packed.values.length === 20 * arity);
      assert.deepStrictEqual(unpackCalls(packed), calls);
    }
    const special = [[-0, NaN], [Infinity, -Infinity], ...rows(10, 2)];
    const back = unpackCalls(packCalls(special))!;
    assert.ok(Object.is(back[0]![0], -0) && Number.isNaN(back[0]![1]));
    assert.deepStrictEqual(back, special);
  });

  test('anything else keeps its arrays: few calls, mixed arity, non-numbers, holes, too many arguments, no arguments', () => {
    const keep = (calls: unknown[][]): void => assert.equal(packCalls(calls), calls);
    keep(rows(7, 2));
    keep([...rows(10, 2), [1]]);
    keep([...rows(10, 2), [1, '2']]);
    keep([...rows(10, 2), [1, 2n]]);
    const hole = [1, 2];
    delete hole[1];
    keep([...rows(10, 2), hole]);
    keep(rows(10, 9));
    keep(Array.from({ length: 10 }, () => []));
    assert.equal(unpackCalls(null), null);
    const plain = rows(3, 2);
    assert.equal(unpackCalls(plain), plain);
  });

  test('a whole input packs at once: numbers for map, arrays of numbers for starmap; else every item through toArgs', () => {
    const wrap = (x: unknown): unknown[] => [x];
    const nums = readCalls([1, 2, 3, 4, 5, 6, 7, -0], false, wrap);
    assert.ok(!Array.isArray(nums) && nums.arity === 1 && callCount(nums) === 8);
    assert.ok(Object.is(nums.values[7], -0));
    const pairs = rows(10, 2);
    const packed = readCalls(pairs, true, (a) => [...(a as unknown[])]);
    assert.ok(!Array.isArray(packed));
    // A snapshot: changing the input afterwards changes nothing sent.
    pairs[0]![0] = 99;
    assert.deepStrictEqual(unpackCalls(packed)[0], [0.5, 1.5]);
    let called = 0;
    const toArgs = (x: unknown): unknown[] => (called++, [x]);
    assert.deepStrictEqual(readCalls([1, 2, 'three', 4, 5, 6, 7, 8], false, toArgs), [[1], [2], ['three'], [4], [5], [6], [7], [8]]);
    assert.deepStrictEqual(readCalls([1, 2], false, toArgs), [[1], [2]]);
    assert.equal(called, 10);
  });

  test('slices of packed calls: views while they are long enough, argument lists below; what is sent owns its buffer', () => {
    const calls = readCalls(rows(40, 2), true, () => []);
    const part = sliceCalls(calls, 10, 30);
    assert.ok(!Array.isArray(part) && part.values.buffer === (calls as { values: Float64Array }).values.buffer);
    assert.deepStrictEqual(unpackCalls(part), rows(40, 2).slice(10, 30));
    assert.deepStrictEqual(sliceCalls(calls, 35, 40), rows(40, 2).slice(35, 40));
    const sent = sendable(part);
    assert.ok(!Array.isArray(sent) && sent.values.buffer.byteLength === 20 * 2 * 8);
    assert.deepStrictEqual(unpackCalls(sent), unpackCalls(part));
    assert.equal(sendable(calls), calls);
    const args: unknown[][] = [];
    for (let i = 0; i < callCount(part); i++) callAt((...a) => args.push(a), part, i);
    assert.deepStrictEqual(args, rows(40, 2).slice(10, 30));
    const wide = readCalls(rows(10, 5), true, () => []);
    assert.deepStrictEqual(
      callAt((...a) => a, wide, 9),
      rows(10, 5)[9],
    );
  });

  test('results that are all numbers go back as one Float64Array; anything else stays an array', () => {
    const values = [1, -0, NaN, Infinity, 2.5, 6, 7, 8];
    const packed = packValues(values);
    assert.ok(packed instanceof Float64Array && Object.is(packed[1], -0) && Number.isNaN(packed[2]));
    const mixed = [1, 2, 3, 4, 5, 6, 7, '8'];
    assert.equal(packValues(mixed), mixed);
    const few = [1, 2];
    assert.equal(packValues(few), few);
  });

  for (const isolation of ['thread', 'process'] as const) {
    test(`a pool's tasks get the exact numbers of packed chunks, and mixed chunks still work (${isolation})`, { timeout: HANGS }, async () => {
      await using pool = new Pool({ isolation, size: 2 });
      const pairs = Array.from({ length: 1000 }, (_, i): [number, number] => [i, i === 3 ? -0 : 0.25]);
      const sums = await pool.starmap(math.add, pairs, { chunksize: 100 });
      assert.deepStrictEqual(
        sums,
        pairs.map(([a, b]) => a + b),
      );
      const signs = await pool.starmap(
        (a: number, b: number) => [Object.is(a, -0), Number.isNaN(b)],
        Array.from({ length: 16 }, () => [-0, NaN] as [number, number]),
      );
      assert.ok(signs.every(([negZero, nan]) => negZero && nan));
      const mixed = await pool.starmap(
        math.greet,
        Array.from({ length: 16 }, (_, i): [string, number] => [`n${i}`, 1]),
      );
      assert.equal(mixed[15], 'hi n15');
      // Whole inputs packed at once: map of numbers, and starmap whose input changes after the call.
      const xs = Array.from({ length: 500 }, (_, i) => i - 250);
      assert.deepStrictEqual(
        await pool.map(math.square, xs),
        xs.map((x) => x * x),
      );
      const input = Array.from({ length: 64 }, (_, i): [number, number] => [i, 1]);
      const later = pool.starmap(math.add, input);
      for (const p of input) p[1] = 1000;
      assert.deepStrictEqual(
        await later,
        Array.from({ length: 64 }, (_, i) => i + 1),
      );
      // Results: numbers (-0 kept) and mixed chunks.
      const zeros = await pool.map(
        (x: number) => (x < 0 ? -0 : x),
        Array.from({ length: 16 }, (_, i) => i - 8),
      );
      assert.ok(Object.is(zeros[0], -0) && zeros[15] === 7);
      const some = await pool.map(
        (x: number) => (x === 5 ? 'five' : x),
        Array.from({ length: 16 }, (_, i) => i),
      );
      assert.equal(some[5], 'five');
      assert.equal(some[6], 6);
    });
  }
});
