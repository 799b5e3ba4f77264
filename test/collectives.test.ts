import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runFixture, HANGS } from './helpers.ts';
import { FAMILIES, familyFixture } from './fixtures/collectives/families.ts';

// The conformance suite: one fixture per family of collectives (fixtures/collectives/), each
// over world, world.dup(), a split and a Cartesian communicator (matrix.ts), on 1 to 4 ranks:
// 3 is the odd size that breaks power-of-two algorithms, 4 is more ranks than this
// machine's 2 cores. On 4 threads each family is a test of its own; elsewhere every family
// runs in one job, as the MPI tests run them (a job per family per size would mostly time
// worker starts); a failure names its family's file in its stack.
describe('collectives conformance on 4 ranks, one family at a time', { timeout: HANGS }, () => {
  for (const [name, title] of FAMILIES) {
    test(`${name}: ${title}`, async () => {
      const { exitCodes } = await runFixture(familyFixture(name), 4);
      assert.deepEqual(exitCodes, [0, 0, 0, 0]);
    });
  }
});

/** Every family, one after another in the same ranks. */
const everyFamily = FAMILIES.map(([name]) => familyFixture(name));

for (const transport of ['threads', 'processes'] as const) {
  for (const size of transport === 'threads' ? [1, 2, 3] : [1, 2, 3, 4]) {
    describe(
      `collectives conformance on ${size} rank(s) (${transport}${transport === 'processes' ? ': point-to-point algorithms only' : ''})`,
      { timeout: HANGS },
      () => {
        test(`every family over world, dup, split and cart on ${size} rank(s)`, async () => {
          const { exitCodes } = await runFixture('suite.ts', size, everyFamily, transport);
          assert.deepEqual(exitCodes, Array(size).fill(0));
        });
      },
    );
  }
}

describe('a collective mismatch between rank processes', { timeout: HANGS }, () => {
  test('a collective mismatch between rank processes is reported, not hung', async () => {
    await assert.rejects(runFixture('mismatch.ts', 3, ['ops'], 'processes'), (err: Error) => {
      assert.equal((err as { code?: string }).code, 'ERR_RANK_FAILED');
      assert.match(
        `${err.message}\n${String((err as { cause?: unknown }).cause)}`,
        /called allreduce\(op=(SUM|MAX)\) but rank \d called allreduce\(op=(MAX|SUM)\)/,
      );
      return true;
    });
  });
});

describe('collectives: the same suite without the agreement step, so small payloads take the point-to-point algorithms', { timeout: HANGS }, () => {
  for (const size of [3, 4]) {
    test(`RANKS_CHECK_COLLECTIVES=0 on ${size} ranks`, async () => {
      process.env.RANKS_CHECK_COLLECTIVES = '0';
      try {
        const { exitCodes } = await runFixture('suite.ts', size, everyFamily);
        assert.deepEqual(exitCodes, Array(size).fill(0));
      } finally {
        delete process.env.RANKS_CHECK_COLLECTIVES;
      }
    });
  }
});

describe('collectives: the same suite through the shared-memory algorithms at every size', { timeout: HANGS }, () => {
  for (const size of [2, 3, 4]) {
    test(`RANKS_SHM_MIN_KIB=0 on ${size} ranks`, async () => {
      process.env.RANKS_SHM_MIN_KIB = '0';
      try {
        const { exitCodes } = await runFixture('suite.ts', size, everyFamily);
        assert.deepEqual(exitCodes, Array(size).fill(0));
      } finally {
        delete process.env.RANKS_SHM_MIN_KIB;
      }
    });
  }
});

describe('collective mismatches are reported, not hung', { timeout: HANGS }, () => {
  for (const transport of ['threads', 'processes'] as const) {
    test(`after a mismatch of ops, the next allreduce gives the right sum on every rank (RANKS_CHECK_COLLECTIVES=1, ${transport})`, async () => {
      process.env.RANKS_CHECK_COLLECTIVES = '1';
      try {
        const { exitCodes } = await runFixture('mismatch.ts', 3, ['ops-then-sum'], transport);
        assert.deepEqual(exitCodes, [0, 0, 0]);
      } finally {
        delete process.env.RANKS_CHECK_COLLECTIVES;
      }
    });
  }
  const cases: [string, number, RegExp, boolean][] = [
    ['bcast-vs-barrier', 2, /Collective mismatch on world: rank 1 called barrier\(\) but rank 0 called bcast\(root=0\)/, false],
    ['ops', 3, /called allreduce\(op=(SUM|MAX)\) but rank \d called allreduce\(op=(MAX|SUM)\)/, false],
    ['split-vs-allgather', 2, /rank \d called (allgather\(\)|dup\/split\/createCart\(\)) but rank \d called (dup\/split\/createCart\(\)|allgather\(\))/, false],
    // Every rank believes it is the root: no payload message could tell, the agreement does.
    ['roots', 2, /called reduce\(op=SUM, root=\d\) but rank \d called reduce\(op=SUM, root=\d\)/, true],
  ];
  // `needs`: only the agreement step (on by default) sees it; the others are also seen by
  // the tag checks of the payload messages, with the agreement off.
  for (const [scenario, size, message, needs] of cases) {
    for (const off of needs ? [false] : [false, true])
      test(`${scenario} on ${size} ranks${off ? ' (RANKS_CHECK_COLLECTIVES=0)' : ''}`, async () => {
        if (off) process.env.RANKS_CHECK_COLLECTIVES = '0';
        try {
          await assert.rejects(runFixture('mismatch.ts', size, [scenario]), (err: Error) => {
            assert.equal((err as { code?: string }).code, 'ERR_RANK_FAILED');
            assert.match(`${err.message}\n${String((err as { cause?: unknown }).cause)}`, message);
            return true;
          });
        } finally {
          delete process.env.RANKS_CHECK_COLLECTIVES;
        }
      });
  }
});
