// Intercommunicators (createIntercomm, remote point-to-point, intercommunicator
// collectives, merge, free): one fixture on 1 to 4 ranks over threads and processes, and
// as MPI jobs under MPICH and Open MPI.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HANGS, runFixture } from './helpers.ts';
import { cannotJoin, mpiFlavors, mpiRun, type MpiFlavor } from './mpi-helpers.ts';

for (const transport of ['threads', 'processes'] as const) {
  describe(`intercommunicators (${transport})`, { timeout: HANGS }, () => {
    for (const size of [1, 2, 3, 4]) {
      test(`on ${size} rank(s)`, { timeout: HANGS }, async () => {
        const { exitCodes } = await runFixture('intercomm.ts', size, [], transport);
        assert.deepEqual(exitCodes, Array(size).fill(0));
      });
    }
  });
}

for (const { flavor, skip } of mpiFlavors()) {
  describe(`intercommunicators under ${flavor.name}`, { timeout: HANGS }, () => {
    let why: string | undefined = skip;
    for (const n of [1, 2, 3, 4]) {
      test(`on ${n} rank(s)`, { timeout: HANGS }, async (t) => {
        if (!why) why = await cannotJoin(flavor as MpiFlavor);
        if (why) {
          console.log(`# skipped: ${why}`);
          return t.skip(why);
        }
        const out = await mpiRun(flavor as MpiFlavor, n, 'intercomm.ts');
        assert.equal(out.code, 0, `${flavor.name} -n ${n} exited ${out.code}\n${out.stderr.slice(-3000)}`);
        assert.equal(out.stdout.match(/^intercomm ok on \d+ ranks$/gm)?.length, n, `every rank finished\n${out.stdout.slice(-2000)}`);
      });
    }
  });
}
