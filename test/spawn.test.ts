// Dynamic processes: comm.spawn() and getParent() on threads, processes, MPICH and Open MPI.
// The conformance fixture (fixtures/spawn/manager.ts, the twin of mpi4py's test_spawn.py)
// runs on every transport; errors reach every calling rank; a spawned rank that throws
// fails the job with its name; an mpi4py manager spawns ranks workers.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { RankFailedError, launch } from 'ranks';
import { HANGS, fixture, runFixture, tsx } from './helpers.ts';
import { MPI_ENV, mpiFlavors, mpiRun, mpiexec, type MpiFlavor } from './mpi-helpers.ts';

const ranksCli = new URL('../bin/ranks.js', import.meta.url).pathname;

for (const [transport, sizes] of [
  ['threads', [1, 3]],
  ['processes', [2]],
] as const) {
  describe(`spawn on ${transport}`, { timeout: HANGS }, () => {
    for (const size of sizes) {
      test(`test_spawn twin on ${size} rank(s): args, maxprocs, root != 0, COMM_SELF, getParent, bcast, merge, free, errors`, async () => {
        const { exitCodes } = await runFixture('spawn/manager.ts', size, [], transport);
        assert.deepEqual(exitCodes, Array(size).fill(0));
      });
    }

    test('a spawned rank that throws fails the job, named in the report', async () => {
      const err = await launch({ size: 2, script: fixture('spawn/throws.ts'), timeout: HANGS, transport }).catch((e: unknown) => e);
      assert.ok(err instanceof RankFailedError, String(err));
      assert.match(err.message, /^Spawned rank 0 of throws-worker\.ts \(job rank 2\) failed: Error: worker boom/);
    });

    test('past spawnMax: ERR_SPAWN on every calling rank, and a spawn that fits still works', async () => {
      const { exitCodes } = await launch({ size: 2, script: fixture('spawn/full.ts'), spawnMax: 1, timeout: HANGS, transport });
      assert.deepEqual(exitCodes, [0, 0]);
    });
  });
}

describe('pools that spawn', { timeout: HANGS }, () => {
  test('spawn: true off MPI is accepted and starts local workers', async () => {
    const r = await tsx(fixture('spawn/pool.ts'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^spawned pools ok \(local\)$/m);
  });

  test('spawn: true under `mpiexec -n 1` spawns the workers through MPI (Open MPI)', async (t) => {
    const found = mpiFlavors().find((f) => f.flavor.name === 'Open MPI' && !f.skip);
    if (!found) return t.skip('mpiexec.openmpi not found');
    const f = found.flavor as MpiFlavor;
    const out = await mpiRun(f, 1, 'spawn/pool.ts', ['mpi'], { timeoutMs: HANGS - 60_000 });
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^spawned pools ok \(MPI\)$/m);
  });
});

describe('spawn options', { timeout: HANGS }, () => {
  test('spawnMax is checked like every option', () => {
    assert.throws(() => launch({ size: 1, script: fixture('spawn/full.ts'), spawnMax: -1 }), {
      code: 'ERR_OUT_OF_RANGE',
      message: 'Expected `spawnMax` to be an integer >= 0, got -1 (number)',
    });
  });
});

/** True when this machine's mpi4py (Debian's, Open MPI build) imports. */
function hasMpi4py(): boolean {
  return spawnSync('/usr/bin/python3', ['-c', 'import mpi4py'], { encoding: 'utf8' }).status === 0;
}

for (const { flavor, skip } of mpiFlavors()) {
  describe(`spawn under ${flavor.name}`, { timeout: HANGS }, () => {
    test('a ranks manager spawns ranks workers (test_spawn twin on 2 ranks)', async (t) => {
      if (skip) return t.skip(skip);
      const out = await mpiRun(flavor as MpiFlavor, 2, 'spawn/manager.ts', [], { timeoutMs: HANGS - 60_000 });
      const failed = out.stderr.match(/SpawnError: MPI_Comm_spawn failed: [^\n]*/g) ?? [];
      if (out.code !== 0 && failed.length > 0) {
        // This MPI build cannot spawn at all (MPICH 4.0.2 over ch4:ucx fails MPI_Comm_spawn from C
        // too): what ranks owes then is the same coded error on every calling rank.
        assert.equal(out.stderr.match(/^SpawnError: MPI_Comm_spawn failed/gm)?.length, 2, out.stderr);
        assert.equal(out.stderr.match(/code: 'ERR_SPAWN'/g)?.length, 2, out.stderr);
        return t.skip(`${flavor.name} here cannot MPI_Comm_spawn (${failed[0]!.slice(0, 120)}...); ERR_SPAWN reached both ranks`);
      }
      assert.equal(out.code, 0, out.stderr);
      assert.equal(out.stdout.match(/^spawn ok on rank \d of 2$/gm)?.length, 2, out.stdout);
    });

    test('an mpi4py manager spawns ranks workers, which find it with getParent()', async (t) => {
      if (skip) return t.skip(skip);
      if (flavor.name !== 'Open MPI') return t.skip("Debian's mpi4py is built on Open MPI only");
      if (!hasMpi4py()) return t.skip('mpi4py does not import from /usr/bin/python3');
      const manager = fixture('spawn/mpi4py-manager.py').pathname;
      const worker = fixture('spawn/foreign-worker.ts').pathname;
      const f = flavor as MpiFlavor;
      const out = await mpiexec(f, [...f.ranks(1), '/usr/bin/python3', manager, process.execPath, ranksCli, worker, '3'], {
        env: MPI_ENV,
        timeoutMs: HANGS - 60_000,
      });
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stdout, /^manager: spawned 3 ranks workers$/m);
      assert.match(out.stdout, /^worker: 3 ranks found their parent \(1 rank\)$/m);
    });
  });
}
