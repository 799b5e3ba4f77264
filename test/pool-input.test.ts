import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataCloneError, Executor, Pool, isRanksError, tasks } from 'ranks';
import { HANGS } from './helpers.ts';

const math = tasks<typeof import('./fixtures/math-tasks.ts')>(new URL('./fixtures/math-tasks.ts', import.meta.url));

/** 0, 1, ... then throws RangeError('input broke at n') instead of item `n`. */
function* breaksAt(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
  throw new RangeError(`input broke at ${n}`);
}
async function* breaksAtAsync(n: number): AsyncGenerator<number> {
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setImmediate(r));
    yield i;
  }
  throw new RangeError(`input broke at ${n}`);
}

/** What a for-await loop got before it threw, and what it threw. */
async function drain<T>(it: AsyncIterable<T>): Promise<{ got: T[]; error: unknown }> {
  const got: T[] = [];
  try {
    for await (const y of it) got.push(y);
  } catch (error) {
    return { got, error };
  }
  return { got, error: undefined };
}

for (const isolation of ['thread', 'process'] as const) {
  describe(`pool inputs and results (${isolation})`, { timeout: HANGS }, () => {
    test('imap over an input that throws yields every result before the failing item, in order, then throws its error', async () => {
      await using pool = new Pool({ isolation, size: 2 });
      for (const input of [() => breaksAt(7), () => breaksAtAsync(7)]) {
        for (const chunksize of [1, 3]) {
          const { got, error } = await drain(pool.imap(math.sleepy, input(), { chunksize }));
          assert.deepEqual(got, [0, 1, 2, 3, 4, 5, 6], `chunksize ${chunksize}`);
          assert.ok(error instanceof RangeError && error.message === 'input broke at 7', String(error));
        }
      }
      // A pool read ahead of a slow consumer: still nothing lost.
      const { got } = await drain(pool.imap(math.square, breaksAt(40), { readAhead: 8 }));
      assert.deepEqual(
        got,
        Array.from({ length: 40 }, (_, i) => i * i),
      );
    });

    test('imapUnordered the same: every result of the items read before the failure, then the error', async () => {
      await using pool = new Pool({ isolation, size: 2 });
      for (const input of [() => breaksAt(6), () => breaksAtAsync(6)]) {
        const { got, error } = await drain(
          pool.imapUnordered((ms: number) => new Promise((r) => setTimeout(() => r(ms), (6 - ms) * 5)), input(), { chunksize: 2 }),
        );
        assert.deepEqual([...got].sort(), [0, 1, 2, 3, 4, 5]);
        assert.ok(error instanceof RangeError, String(error));
      }
    });

    test('map, starmap and Executor.map read their input whole first: one that throws throws at the call, and nothing runs', async () => {
      await using pool = new Pool({ isolation, size: 1 });
      await using ex = new Executor({ isolation, maxWorkers: 1 });
      assert.throws(() => pool.map(math.exitWorker, breaksAt(2)), { message: 'input broke at 2' });
      assert.throws(() => ex.map(math.exitWorker, breaksAt(2)), { message: 'input broke at 2' });
      // exitWorker would have broken the pools: they still work.
      assert.deepEqual(await pool.map(math.square, [3]), [9]);
      assert.deepEqual(await ex.map(math.square, [4]), [16]);
    });

    test('an input that is not iterable throws ERR_INVALID_ARG at the call', async () => {
      await using pool = new Pool({ isolation, size: 1 });
      await using ex = new Executor({ isolation, maxWorkers: 1 });
      const bad = { code: 'ERR_INVALID_ARG', message: /^Expected `items` to be an iterable.*, got 42 \(number\)$/ };
      assert.throws(() => pool.map(math.square, 42 as never), bad);
      assert.throws(() => pool.imap(math.square, 42 as never), bad);
      assert.throws(() => pool.imapUnordered(math.square, null as never), { code: 'ERR_INVALID_ARG', message: /got null \(null\)/ });
      assert.throws(() => ex.map(math.square, 42 as never), bad);
      assert.throws(() => pool.starmap(math.add, 42 as never), { code: 'ERR_INVALID_ARG', message: /`argLists`/ });
      assert.throws(() => pool.starmap(math.add, [[1, 2], 3] as never), {
        code: 'ERR_INVALID_ARG',
        message: /`argLists\[1\]` to be an iterable, got 3 \(number\)/,
      });
      assert.deepEqual(await pool.starmap(math.add, [[1, 2]]), [3]);
    });

    test('a result that cannot be sent back is a DataCloneError naming the part of the result; an argument, the part of the arguments', async () => {
      await using pool = new Pool({ isolation, size: 1 });
      const isClone = (path: string) => (err: unknown) =>
        err instanceof DataCloneError && isRanksError(err) && err.code === 'ERR_DATA_CLONE' && err.path === path && err.message.includes(path);
      await assert.rejects(pool.apply(math.withHandler, [1]), isClone('result.handler'));
      await assert.rejects(pool.map(math.withHandler, [1, 2], { chunksize: 2 }), isClone('result.handler'));
      await assert.rejects(pool.apply(math.square, [{ handler: () => 1 } as never]), isClone('arguments[0].handler'));
      await assert.rejects(pool.map(math.square, [1, { a: [Symbol('s')] } as never], { chunksize: 1 }), isClone('arguments[0].a[0]'));
      assert.equal(await pool.apply(math.square, [5]), 25, 'the pool goes on');
    });

    test('a submit after close, shutdown or terminate throws ERR_INVALID_STATE at the call, on Pool and Executor alike', async () => {
      const pool = new Pool({ isolation, size: 1 });
      const closing = pool.close();
      const closed = { code: 'ERR_INVALID_STATE', message: /closed/ };
      assert.throws(() => pool.apply(math.square, [1]), closed);
      assert.throws(() => pool.map(math.square, [1]), closed);
      assert.throws(() => pool.starmap(math.add, [[1, 2]]), closed);
      assert.throws(() => pool.imap(math.square, [1]), closed);
      assert.throws(() => pool.imapUnordered(math.square, [1]), closed);
      await closing;
      const ex = new Executor({ isolation, maxWorkers: 1 });
      await ex.shutdown({ wait: false });
      assert.throws(() => ex.submit(math.square, 1), closed);
      assert.throws(() => ex.submitWith(math.square, [1]), closed);
      assert.throws(() => ex.map(math.square, [1]), closed);
      const gone = new Executor({ isolation, maxWorkers: 1 });
      await gone.terminate();
      assert.throws(() => gone.submit(math.square, 1), closed);
    });
  });
}
