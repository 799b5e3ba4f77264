// The parallel-I/O conformance suite (test/fixtures/file.ts) on every transport: threads
// and processes at 1 to 4 ranks (4 ranks on this machine's 2 cores), and as MPI jobs
// under MPICH and Open MPI (skipped, with the reason, where MPI or koffi is missing);
// and the TypeScript twins of mpi4py's test_io.py and test_file.py on each.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runFixture, HANGS } from './helpers.ts';
import { joinTest, mpiFlavors, mpiRun, type MpiFlavor } from './mpi-helpers.ts';

for (const transport of ['threads', 'processes'] as const) {
  describe(`File on ${transport}`, { timeout: HANGS }, () => {
    for (const size of [1, 2, 3, 4]) {
      test(`conformance on ${size} rank(s): offsets, views, two-phase, pointers, sizes, modes and errors`, async () => {
        const { exitCodes } = await runFixture('file.ts', size, [], transport);
        assert.deepEqual(exitCodes, Array(size).fill(0));
      });
    }
    for (const size of [2, 4]) {
      test(`mpi4py's test_io.py and test_file.py, twinned, on ${size} ranks`, async () => {
        const { exitCodes } = await runFixture('mpi4py-io.ts', size, [], transport);
        assert.deepEqual(exitCodes, Array(size).fill(0));
      });
    }
  });
}

for (const { flavor, skip } of mpiFlavors()) {
  describe(`File on MPI (${flavor.name})`, { timeout: 900_000 }, () => {
    const why = joinTest(flavor, skip, 'ranks join the job');
    for (const n of [1, 2, 3, 4]) {
      test(`conformance through MPI_File_* on ${n} rank(s)`, async (t) => {
        if (why()) return t.skip(why());
        const out = await mpiRun(flavor as MpiFlavor, n, 'file.ts');
        assert.equal(out.code, 0, `${flavor.name} -n ${n} exited ${out.code}\n${out.stderr.slice(-3000)}\n${out.stdout.slice(-1000)}`);
        assert.equal(out.stdout.match(/^file ok on rank \d+$/gm)?.length, n, 'every rank finished the suite');
      });
    }
    test("mpi4py's test_io.py and test_file.py, twinned, on 2 ranks", async (t) => {
      if (why()) return t.skip(why());
      const out = await mpiRun(flavor as MpiFlavor, 2, 'mpi4py-io.ts');
      assert.equal(out.code, 0, `${flavor.name} exited ${out.code}\n${out.stderr.slice(-3000)}`);
      assert.equal(out.stdout.match(/^mpi4py io ok on rank \d+$/gm)?.length, 2);
    });
  });
}
