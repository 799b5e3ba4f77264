// The one-sided (Win) conformance fixture as MPI jobs under MPICH and Open MPI, on 2 and
// 4 ranks (Open MPI with osc sm,pt2pt: see win-helpers.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { joinTest, mpiFlavors, mpiRun, type MpiFlavor } from './mpi-helpers.ts';
import { OMPI_OSC } from './win-helpers.ts';

for (const { flavor, skip } of mpiFlavors()) {
  describe(`one-sided communication over MPI (${flavor.name})`, { timeout: 600_000 }, () => {
    const why = joinTest(flavor, skip, 'ranks join the job');
    for (const n of [2, 4]) {
      test(`every operation under fence, lock and PSCW, windows of every flavor, on ${n} ranks`, async (t) => {
        if (why()) return t.skip(why());
        const f = flavor as MpiFlavor;
        const out = await mpiRun(f, n, 'win.ts', ['mpi'], f.name === 'Open MPI' ? { env: OMPI_OSC } : {});
        assert.equal(out.code, 0, `${f.name} -n ${n} exited ${out.code}\n${out.stderr.slice(-3000)}\n${out.stdout.slice(-1000)}`);
        assert.equal(out.stdout.match(/^win ok$/gm)?.length, n, 'every rank finished the suite');
      });
    }
    test('twins of mpi4py test_rma.py, test_rma_nb.py and test_win.py, on 2 ranks', async (t) => {
      if (why()) return t.skip(why());
      const f = flavor as MpiFlavor;
      const out = await mpiRun(f, 2, 'win-mpi4py.ts', ['mpi'], f.name === 'Open MPI' ? { env: OMPI_OSC } : {});
      assert.equal(out.code, 0, `${f.name} exited ${out.code}\n${out.stderr.slice(-3000)}`);
      assert.equal(out.stdout.match(/^win-mpi4py ok$/gm)?.length, 2);
    });
  });
}
