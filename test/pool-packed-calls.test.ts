// A chunk's argument lists packed as float64 rows (src/pool/packed-calls.ts): what packs,
// what keeps its arrays, that unpacking gives the same arguments back, and that a pool's
// tasks see exactly the numbers sent (-0, NaN, infinities) on threads and processes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Pool, tasks } from 'ranks';
import { packCalls, unpackCalls } from '../src/pool/packed-calls.ts';
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
    });
  }
});
