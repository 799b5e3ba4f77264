// Pools and executors over the ranks of world() (mpi4py.futures' MPICommExecutor) on
// every transport: threads, processes, MPICH and Open MPI (skipped with the reason where
// MPI is missing). The fixture asserts on every rank and says what each rank did.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RankFailedError } from 'ranks';
import { runFixture, HANGS } from './helpers.ts';
import { cannotJoin, mpiFlavors, mpiRun, type MpiFlavor } from './mpi-helpers.ts';

describe('a pool over the ranks of a communicator', { timeout: HANGS }, () => {
  for (const [n, root] of [
    [1, 0],
    [3, 0],
    [4, 2],
  ] as const) {
    test(`threads: ${n} rank(s), root ${root}: map, starmap, imapUnordered, errors, timeouts, cancel, then the program goes on`, async () => {
      assert.deepEqual((await runFixture('pool-comm.ts', n, [String(root)])).exitCodes, Array(n).fill(0));
    });
  }

  test('processes: 3 ranks, root 1', async () => {
    assert.deepEqual((await runFixture('pool-comm.ts', 3, ['1'], 'processes')).exitCodes, [0, 0, 0]);
  });

  test('a serving rank that dies in a task fails the job, naming it (no hang)', async () => {
    await assert.rejects(runFixture('pool-comm-crash.ts', 3), (e: unknown) => e instanceof RankFailedError && e.rank !== 0 && e.exitCode === 3);
  });

  for (const { flavor, skip } of mpiFlavors()) {
    test(`${flavor.name}: 3 ranks with root 1, and 4 ranks with root 0`, async (t) => {
      const why = skip ?? (await cannotJoin(flavor as MpiFlavor));
      if (why) {
        console.log(`# skipped: ${why}`);
        return t.skip(why);
      }
      for (const [n, root] of [
        [3, 1],
        [4, 0],
      ] as const) {
        const out = await mpiRun(flavor as MpiFlavor, n, 'pool-comm.ts', [String(root)]);
        assert.equal(out.code, 0, `${flavor.name} -n ${n} exited ${out.code}\n${out.stderr.slice(-3000)}`);
        assert.match(out.stdout, new RegExp(`^pool on rank ${root} ok$`, 'm'));
        assert.match(out.stdout, new RegExp(`^executor on rank ${root} ok$`, 'm'));
        assert.equal(out.stdout.match(/^rank \d+ served the pool$/gm)?.length, n - 1);
        assert.equal(out.stdout.match(/^pool-comm done on rank \d+$/gm)?.length, n);
      }
    });
  }
});
