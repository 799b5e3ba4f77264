// Communicator management (commSelf, compare, free, create, createGroup, name, splitType,
// group operations) and topologies (graph, dist graph, neighbourhood collectives): one fixture on 1 to 4 ranks over threads and processes (4 ranks on a
// 2-core machine), and as MPI jobs (both fixtures in one job) under MPICH and Open MPI.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HANGS, runFixture } from './helpers.ts';
import { cannotJoin, mpiFlavors, mpiRun, type MpiFlavor } from './mpi-helpers.ts';

const FIXTURES = ['comm-manage.ts', 'comm-topo.ts'];

for (const transport of ['threads', 'processes'] as const) {
  describe(`communicator management (${transport})`, { timeout: HANGS }, () => {
    for (const size of [1, 2, 3, 4]) {
      test(`on ${size} rank(s)`, async () => {
        for (const f of FIXTURES) {
          const { exitCodes } = await runFixture(f, size, [], transport);
          assert.deepEqual(exitCodes, Array(size).fill(0), f);
        }
      });
    }
  });
}

for (const { flavor, skip } of mpiFlavors()) {
  describe(`communicator management under ${flavor.name}`, { timeout: HANGS }, () => {
    let why: string | undefined = skip;
    for (const n of [1, 2, 3, 4]) {
      test(`on ${n} rank(s)`, async (t) => {
        if (!why) why = await cannotJoin(flavor as MpiFlavor);
        if (why) {
          console.log(`# skipped: ${why}`);
          return t.skip(why);
        }
        const out = await mpiRun(flavor as MpiFlavor, n, 'suite.ts', FIXTURES);
        assert.equal(out.code, 0, `${flavor.name} -n ${n} exited ${out.code}\n${out.stderr.slice(-3000)}`);
        for (const name of ['comm-manage', 'comm-topo'])
          assert.equal(out.stdout.match(new RegExp(`^${name} ok on \\d+ ranks$`, 'gm'))?.length, n, `every rank finished ${name}`);
      });
    }
  });
}
