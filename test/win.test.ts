// The one-sided (Win) conformance suite on threads and processes, 2 and 4 ranks (4 ranks
// is more than this machine's cores). MPI runs the same fixture in test/win-mpi.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HANGS, runFixture } from './helpers.ts';

for (const transport of ['threads', 'processes'] as const) {
  describe(`one-sided communication (${transport})`, { timeout: HANGS }, () => {
    for (const size of [2, 4]) {
      test(`every operation under fence, lock and PSCW, windows of every flavor, on ${size} ranks`, async () => {
        const { exitCodes } = await runFixture('win.ts', size, [transport], transport);
        assert.deepEqual(exitCodes, Array(size).fill(0));
      });
    }
    test('twins of mpi4py test_rma.py, test_rma_nb.py and test_win.py, on 2 ranks', async () => {
      const { exitCodes } = await runFixture('win-mpi4py.ts', 2, [transport], transport);
      assert.deepEqual(exitCodes, [0, 0]);
    });
  });
}
