import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Executor, Pool, asCompleted, tasks, wait } from 'ranks';
import { HANGS } from './helpers.ts';

const math = tasks<typeof import('./fixtures/math-tasks.ts')>(new URL('./fixtures/math-tasks.ts', import.meta.url));
// Every case runs with worker threads and with worker processes (isolation: 'process').
for (const isolation of ['thread', 'process'] as const) {
  describe(`Pool (${isolation})`, { timeout: HANGS }, () => {
    test('map, starmap, apply: results in order, module tasks and inline functions, empty inputs', async () => {
      await using pool = new Pool({ isolation, size: 2 });
      assert.deepEqual(await pool.map(math.square, [1, 2, 3, 4, 5]), [1, 4, 9, 16, 25]);
      assert.deepEqual(await pool.map((x: number) => x * 10, [1, 2, 3], { chunksize: 2 }), [10, 20, 30]);
      assert.deepEqual(
        await pool.starmap(math.add, [
          [1, 2],
          [3, 4],
        ]),
        [3, 7],
      );
      assert.equal(await pool.apply(math.greet, ['x', 2]), 'hi xhi x');
      assert.deepEqual(await pool.map(math.square, []), []);
      const many = Array.from({ length: 5000 }, (_, i) => i);
      assert.deepEqual(
        await pool.map((x: number) => x + 1, many, { chunksize: 64 }),
        many.map((x) => x + 1),
      );
    });

    test('chunksize must be an integer >= 1', async () => {
      await using pool = new Pool({ isolation, size: 1 });
      assert.throws(() => new Pool({ isolation, size: 0 }), RangeError);
      assert.throws(() => pool.map(math.square, [1], { chunksize: 0 }), RangeError);
      assert.throws(() => new Pool({ isolation, chunksize: 1.5 }), RangeError);
    });

    test("a task's error rejects only its own result, with name, message, own properties and the remote stack", async () => {
      await using pool = new Pool({ isolation, size: 2 });
      const results = await Promise.allSettled([pool.apply(math.fail, ['boom']), pool.apply(math.square, [3])]);
      assert.equal(results[1].status, 'fulfilled');
      const r = results[0] as { reason: RangeError & { code: string; detail: unknown; cause: Error } };
      assert.ok(r.reason instanceof RangeError);
      assert.equal(r.reason.message, 'boom');
      assert.equal(r.reason.code, 'E_TASK');
      assert.deepEqual(r.reason.detail, { n: 1 });
      assert.match(String(r.reason.cause.stack), /math-tasks\.ts/, 'the cause carries the stack from the worker');
      assert.deepEqual(await pool.map(math.square, [2]), [4], 'the pool still works');
    });

    test('an inline function that uses an outer variable says so; unsendable arguments and results reject their own call', async () => {
      await using pool = new Pool({ isolation, size: 1 });
      const factor = 3;
      await assert.rejects(
        pool.map((x: number) => x * factor, [1]),
        { name: 'ReferenceError', message: /factor is not defined: an inline task .* tasks\(\)/ },
      );
      await assert.rejects(pool.apply(math.square, [(() => 1) as never]), { code: 'ERR_DATA_CLONE' });
      await assert.rejects(pool.apply(math.unsendable, []), { name: 'DataCloneError', code: 'ERR_DATA_CLONE', path: 'result' });
      // Inside a chunk, only the call with the bad argument fails.
      const seen: string[] = [];
      await assert.rejects(
        async () => {
          for await (const t of pool.imap((x: unknown) => typeof x, [1, { f: () => 1 } as never, 'a'], { chunksize: 3 })) seen.push(t);
        },
        { code: 'ERR_DATA_CLONE', message: /arguments\[0\]\.f/ },
      );
      assert.deepEqual(seen, ['number']);
      assert.deepEqual(await pool.map(math.square, [5]), [25]);
    });

    test('a chunk mixing plain results, promises, throws and rejections settles each call in order', async () => {
      await using pool = new Pool({ isolation, size: 1 });
      // 0: a plain value; 2: a promise (the rest of the chunk then runs asynchronously);
      // 5: a plain value after it; 1: a throw; 3: a rejection.
      const mixed = (x: number): number | Promise<number> => {
        if (x === 1) throw new RangeError('one');
        if (x === 2) return Promise.resolve(20);
        if (x === 3) return Promise.reject(new TypeError('three'));
        return x * 10;
      };
      const seen: number[] = [];
      await assert.rejects(
        async () => {
          for await (const v of pool.imap(mixed, [0, 2, 5, 1], { chunksize: 4 })) seen.push(v);
        },
        { name: 'RangeError', message: 'one' },
      );
      assert.deepEqual(seen, [0, 20, 50]);
      await assert.rejects(pool.map(mixed, [4, 3], { chunksize: 2 }), { name: 'TypeError', message: 'three' });
      await assert.rejects(pool.map(mixed, [1, 2], { chunksize: 2 }), { name: 'RangeError', message: 'one' });
      assert.deepEqual(await pool.map(mixed, [2, 4, 2], { chunksize: 3 }), [20, 40, 20]);
    });

    test('a worker that dies breaks the pool: its task and every pending one reject with BrokenPoolError, later ones throw it', async () => {
      const pool = new Pool({ isolation, size: 2 });
      const slow = pool.apply(math.sleepy, [600_000]); // pending whatever the load: the breaking rejects it
      const dying = pool.apply(math.exitWorker, [3]);
      await assert.rejects(dying, { code: 'ERR_BROKEN_POOL' });
      await assert.rejects(slow, { code: 'ERR_BROKEN_POOL' });
      assert.throws(() => pool.map(math.square, [1]), { code: 'ERR_BROKEN_POOL' }, 'a later submit throws at the call');
      await pool.terminate();
    });

    test(
      'a worker process killed by a signal breaks the pool and says which signal; this process lives on',
      { skip: isolation === 'thread' && 'a signal would kill the test process itself' },
      async () => {
        const pool = new Pool({ isolation, size: 2 });
        const slow = pool.apply(math.sleepy, [600_000]); // pending whatever the load: the breaking rejects it
        await assert.rejects(
          pool.apply(math.killWorker, ['SIGKILL']),
          (err: Error & { code: string }) => err.code === 'ERR_BROKEN_POOL' && /Pool worker \d was killed by SIGKILL/.test(err.message),
        );
        await assert.rejects(slow, { code: 'ERR_BROKEN_POOL' });
        await pool.terminate();
      },
    );
  });

  describe(`Executor (${isolation})`, { timeout: HANGS }, () => {
    test('submit gives Futures; asCompleted and wait work on them; shutdown', async () => {
      const ex = new Executor({ isolation, maxWorkers: 2 });
      const fs = [60, 5, 30].map((ms) => ex.submit(math.sleepy, ms));
      const order: number[] = [];
      for await (const f of asCompleted(fs)) order.push(await f.result());
      assert.deepEqual(
        order.sort((a, b) => a - b),
        [5, 30, 60],
      );
      const g = ex.submit(math.add, 2, 3);
      const { done } = await wait([g]);
      assert.ok(done.has(g));
      assert.equal(await g.result(), 5);
      assert.deepEqual(await ex.map(math.square, [1, 2, 3], { chunksize: 2 }), [1, 4, 9]);
      await ex.shutdown({ wait: true });
      assert.throws(() => ex.submit(math.square, 1), { code: 'ERR_INVALID_STATE' }, 'a submit after shutdown throws at the call');
    });
  });
}
