import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Executor, Pool, tasks } from 'ranks';
import { fixture, spawnOutput, type Output, HANGS } from './helpers.ts';

const math = tasks<typeof import('./fixtures/math-tasks.ts')>(new URL('./fixtures/math-tasks.ts', import.meta.url));

/** Runs the fixture with node (and tsx when asked); a run still alive after the hang guard is killed (code null). */
function run(args: string[], withTsx: boolean): Promise<Output> {
  const argv = [...(withTsx ? ['--import', 'tsx'] : []), fixture('pool-stopped-exit.mjs').pathname, ...args];
  return spawnOutput(process.execPath, argv, { killSignal: 'SIGKILL' });
}

describe('a script whose pool call was stopped exits by itself', { timeout: HANGS }, () => {
  // how, kind, task, size, end; under tsx and plain node.
  const cases: [string[], boolean][] = [
    [['timeout', 'pool', 'sync', '1', 'close'], true],
    [['signal', 'pool', 'async', '2', 'using'], true],
    [['timeout', 'executor', 'async', '1', 'close'], false],
    [['signal', 'executor', 'sync', '2', 'none'], false],
    [['timeout', 'pool', 'async', '2', 'none'], false],
  ];
  for (const [args, withTsx] of cases) {
    test(`${args.join(' ')} (${withTsx ? 'tsx' : 'node'})`, async () => {
      const r = await run(args, withTsx);
      const code = args[0] === 'timeout' ? 'ERR_TIMEOUT' : 'ERR_ABORTED';
      assert.match(r.stdout, new RegExp(`${code} returned`), r.stderr);
      assert.equal(r.code, 0, `the process did not exit by itself (killed by the hang guard): ${r.stderr}`);
    });
  }
});

for (const isolation of ['thread', 'process'] as const) {
  describe(`maxTasksPerWorker with close (${isolation})`, { timeout: HANGS }, () => {
    test('Pool.close() with more calls queued than workers left to run them: every call runs on fresh workers, close and join resolve', async () => {
      const pool = new Pool({ isolation, size: 3, maxTasksPerWorker: 1 });
      const calls = Array.from({ length: 6 }, (_, i) => pool.apply(math.whoAmI, [i]));
      await pool.close();
      await pool.join();
      const results = await Promise.all(calls);
      assert.deepEqual(
        results.map((r) => r[0]),
        [0, 1, 2, 3, 4, 5],
      );
      assert.equal(new Set(results.map((r) => r[1])).size, 6, 'one worker per call');
    });

    test('Executor.shutdown() the same, with chunks of several calls', async () => {
      const ex = new Executor({ isolation, maxWorkers: 2, maxTasksPerWorker: 2 });
      const futures = Array.from({ length: 5 }, (_, i) => ex.submit(math.square, i));
      const mapped = ex.map(math.square, [1, 2, 3], { chunksize: 2 });
      await ex.shutdown();
      assert.deepEqual(await Promise.all(futures), [0, 1, 4, 9, 16]);
      assert.deepEqual(await mapped, [1, 4, 9]);
    });

    test('Executor.terminate() ends the workers now: pending calls reject with ERR_BROKEN_POOL', async () => {
      const ex = new Executor({ isolation, maxWorkers: 1 });
      const running = ex.submit(math.spin, 60_000);
      const queued = ex.submit(math.square, 3);
      await ex.terminate();
      await assert.rejects(running.result(), { code: 'ERR_BROKEN_POOL' });
      await assert.rejects(queued.result(), { code: 'ERR_BROKEN_POOL' });
    });
  });
}
