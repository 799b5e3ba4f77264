import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlockError } from 'ranks';
import { HANGS, runFixture } from './helpers.ts';

test('threads: ranks blocked receiving large messages after one went through are a deadlock, reported as receives', { timeout: HANGS }, async () => {
  await assert.rejects(runFixture('deadlock-large.ts', 2), (e: unknown) => {
    assert.ok(e instanceof DeadlockError);
    assert.deepEqual(
      e.waits.map((w) => [w.rank, w.op, w.peer, w.tag]),
      [
        [0, 'recv', 1, 8],
        [1, 'recv', 0, 8],
      ],
    );
    return true;
  });
});
