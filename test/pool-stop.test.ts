import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Executor, Lock, Pool, Queue, Value, tasks } from 'ranks';
import { HANGS, StartSign } from './helpers.ts';

const math = tasks<typeof import('./fixtures/math-tasks.ts')>(new URL('./fixtures/math-tasks.ts', import.meta.url));
// Every case runs with worker threads and with worker processes (isolation: 'process').
for (const isolation of ['thread', 'process'] as const) {
  describe(`stopping tasks: signal and timeout (${isolation})`, { timeout: HANGS }, () => {
    test('a running task is stopped by ending its worker, which is replaced; the pool goes on', async () => {
      await using ex = new Executor({ isolation, maxWorkers: 1 });
      const [, before] = await ex.submit(math.whoAmI, 0);
      const ac = new AbortController();
      using sign = new StartSign();
      const running = ex.submitWith(math.spinMarked, [sign.path, 60_000], { signal: ac.signal });
      const queued = ex.submit(math.add, 1, 2);
      await sign.made();
      ac.abort(new Error('enough'));
      await assert.rejects(running.result(), (err: Error & { code: string; cause: Error }) => err.code === 'ERR_ABORTED' && err.cause.message === 'enough');
      assert.equal(await queued, 3, 'the call queued behind it runs on the replacement');
      const [, after] = await ex.submit(math.whoAmI, 1);
      assert.notEqual(after, before, 'a new worker thread');
    });

    test('timeout: running and queued calls reject with TimeoutError; others are untouched', async () => {
      await using pool = new Pool({ isolation, size: 1 });
      const slow = pool.apply(math.spin, [60_000], { timeout: 100 });
      const queuedSlow = pool.apply(math.spin, [60_000], { timeout: 150 });
      const fine = pool.apply(math.add, [2, 2]);
      await assert.rejects(slow, { code: 'ERR_TIMEOUT' });
      await assert.rejects(queuedSlow, { code: 'ERR_TIMEOUT' });
      assert.equal(await fine, 4);
      await assert.rejects(pool.map(math.spin, [60_000, 60_000, 5], { timeout: 100, chunksize: 1 }), { code: 'ERR_TIMEOUT' });
      assert.deepEqual(await pool.map(math.square, [1, 2, 3]), [1, 4, 9]);
    });

    test('an aborted queued call is dropped without running; an already-aborted signal rejects at once', async () => {
      await using ex = new Executor({ isolation, maxWorkers: 1 });
      const blocker = ex.submit(math.spin, 150);
      const ac = new AbortController();
      const dropped = ex.submitWith(math.exitWorker, [9], { signal: ac.signal });
      ac.abort();
      await assert.rejects(dropped.result(), { code: 'ERR_ABORTED' });
      assert.equal(await blocker, 150, 'the running task was not disturbed');
      await assert.rejects(ex.submitWith(math.add, [1, 1], { signal: AbortSignal.abort() }).result(), { code: 'ERR_ABORTED' });
      assert.equal(await ex.submit(math.add, 1, 1), 2, 'dropped means never run: exitWorker would have broken the pool');
    });

    test('a call withdrawn while it waits in a busy worker is skipped there, and the worker is kept', async () => {
      await using pool = new Pool({ isolation, size: 1 });
      const [, before] = await pool.apply(math.whoAmI, [0]);
      using sign = new StartSign();
      const first = pool.apply(math.spinMarked, [sign.path, 300]);
      const ac = new AbortController();
      const second = pool.apply(math.exitWorker, [7], { signal: ac.signal });
      // A third queued call makes the worker take the second while it runs the first.
      const third = pool.apply(math.whoAmI, [3]);
      await sign.made();
      ac.abort();
      await assert.rejects(second, { code: 'ERR_ABORTED' });
      assert.equal(await first, 300);
      assert.deepEqual(await third, [3, before], 'same worker: the withdrawn call was skipped, not stopped by ending the worker');
    });
  });

  describe(`worker lifecycle (${isolation})`, { timeout: HANGS }, () => {
    test('maxTasksPerWorker replaces a worker after that many calls', async () => {
      await using pool = new Pool({ isolation, size: 1, maxTasksPerWorker: 2 });
      const seen = await pool.map(math.whoAmI, [1, 2, 3, 4, 5, 6], { chunksize: 1 });
      const threads = seen.map(([, t]) => t);
      assert.equal(new Set(threads).size, 3, `three workers in turn, got threads ${threads.join(',')}`);
      assert.equal(threads[0], threads[1]);
      assert.notEqual(threads[1], threads[2]);
      assert.throws(() => new Pool({ isolation, maxTasksPerWorker: 0 }), RangeError);
    });

    test('the initializer runs once per worker, replacements included', async () => {
      await using pool = new Pool({ isolation, size: 2, initializer: math.setup, initArgs: ['db'], maxTasksPerWorker: 10 });
      const states = await pool.map(
        math.initState,
        Array.from({ length: 40 }, () => undefined as never),
        { chunksize: 5 },
      );
      for (const [count, label] of states) {
        assert.equal(count, 1);
        assert.equal(label, 'db');
      }
      assert.ok(new Set(states.map((s) => s[2])).size >= 4, 'workers were replaced and each ran the initializer');
    });

    test('a failing initializer breaks the pool', async () => {
      const pool = new Pool({ isolation, size: 2, initializer: math.badSetup });
      await assert.rejects(
        pool.apply(math.add, [1, 2]),
        (err: Error & { code: string }) => err.code === 'ERR_BROKEN_POOL' && /initializer failed: no database/.test(err.message),
      );
      assert.throws(() => pool.apply(math.add, [1, 2]), { code: 'ERR_BROKEN_POOL' });
      await pool.terminate();
    });

    test('onProgress counts settled calls against submitted ones', async () => {
      const seen: [number, number][] = [];
      await using pool = new Pool({ isolation, size: 2, onProgress: (done, total) => seen.push([done, total]) });
      await pool.map(math.square, [1, 2, 3, 4, 5]);
      assert.equal(seen.length, 5);
      assert.deepEqual(seen.at(-1), [5, 5]);
      assert.deepEqual(
        seen.map(([d]) => d),
        [1, 2, 3, 4, 5],
      );
    });

    test('a worker out of memory breaks the pool, with a message that says so', async () => {
      const pool = new Pool({ isolation, size: 2, resourceLimits: { maxOldGenerationSizeMb: 32 } });
      // Long enough to be pending whatever the load: the pool's breaking rejects it.
      const pending = pool.apply(math.sleepy, [600_000]);
      await assert.rejects(pool.apply(math.hog, []), (err: Error & { code: string }) => err.code === 'ERR_BROKEN_POOL' && /memory/i.test(err.message));
      await assert.rejects(pending, { code: 'ERR_BROKEN_POOL' });
      await pool.terminate();
    });

    test('shutdown({ cancelFutures }) cancels queued calls; running ones finish', async () => {
      const ex = new Executor({ isolation, maxWorkers: 1 });
      using sign = new StartSign();
      const running = ex.submit(math.sleepyMarked, sign.path, 100);
      await sign.made();
      const queued = [1, 2, 3, 4].map((x) => ex.submit(math.add, x, x));
      await ex.shutdown({ wait: true, cancelFutures: true });
      assert.equal(await running, 100);
      // Calls prefetched into the busy worker's ring had not started: they are withdrawn too.
      assert.deepEqual(
        queued.map((f) => f.cancelled()),
        [true, true, true, true],
      );
      await assert.rejects(queued[0]!.result(), { code: 'ERR_CANCELLED' });
    });

    test('isolation is checked up front', () => {
      assert.throws(() => new Pool({ isolation: 'fiber' as never }), { code: 'ERR_INVALID_ARG', message: /Expected `isolation` to be 'thread' or 'process'/ });
    });
  });

  // Processes share no memory: these cases are threads-only, and refused under 'process'.
  const threadsOnly = isolation === 'process' ? 'worker processes share no memory: shared primitives are refused as arguments (tested above)' : false;
  describe(`shared primitives as task arguments (${isolation})`, { timeout: HANGS }, () => {
    test(
      'under process isolation they are refused with a coded error naming the argument; other calls go on',
      { skip: isolation === 'thread' && 'threads share memory' },
      async () => {
        await using pool = new Pool({ isolation, size: 1 });
        const lock = new Lock();
        const results = await Promise.allSettled([
          pool.apply(math.add, [1, 2]),
          pool.apply(math.produce, [new Queue<number>(), [1]]),
          pool.apply(math.addUnderLock, [new Value('int32', 0), lock, 1]),
        ]);
        assert.deepEqual(results[0], { status: 'fulfilled', value: 3 });
        for (const [r, what] of [
          [results[1], 'a Queue'],
          [results[2], 'a Value'],
        ] as const) {
          assert.equal(r.status, 'rejected');
          assert.equal((r.reason as { code: string }).code, 'ERR_DATA_CLONE');
          assert.match(
            (r.reason as Error).message,
            new RegExp(`^Cannot send arguments\\[0\\] to a worker process: ${what} lives in shared memory.*isolation: 'thread'`),
          );
        }
        await assert.rejects(
          pool.map((x: unknown) => x, [{ nested: { buf: new Int32Array(new SharedArrayBuffer(8)) } }]),
          { code: 'ERR_DATA_CLONE', message: /arguments\[0\]\.nested\.buf to a worker process: a Int32Array on a SharedArrayBuffer/ },
        );
      },
    );

    test('a Value and a Lock shared by tasks on different workers', { skip: threadsOnly }, async () => {
      await using pool = new Pool({ isolation, size: 2 });
      const counter = new Value('int32', 0);
      const lock = new Lock();
      const threads = await pool.starmap(
        math.addUnderLock,
        [
          [counter, lock, 500],
          [counter, lock, 500],
          [counter, lock, 500],
          [counter, lock, 500],
        ],
        { chunksize: 1 },
      );
      assert.equal(counter.value, 2000);
      assert.equal(new Set(threads).size, 2);
    });

    test('a Queue filled by tasks, drained here', { skip: threadsOnly }, async () => {
      await using pool = new Pool({ isolation, size: 2 });
      const q = new Queue<number>();
      const counts = await pool.starmap(math.produce, [
        [q, [1, 2, 3]],
        [q, [4, 5]],
      ]);
      assert.deepEqual(counts, [3, 2]);
      const got: number[] = [];
      for (let i = 0; i < 5; i++) got.push(await q.get({ timeout: 5000 }));
      assert.deepEqual(got.sort(), [1, 2, 3, 4, 5]);
    });
  });
}
