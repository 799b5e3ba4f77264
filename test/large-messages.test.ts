import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlockError } from 'ranks';
import { BULK_MIN, BulkReader, BulkWriter, bulkable, createBulk } from '../src/transport/threads/bulk.ts';
import { HANGS, runFixture } from './helpers.ts';

test('the bulk area: one message at a time, grown to fit, copied out as it is published, freed when whole', { timeout: HANGS }, () => {
  const sab = createBulk();
  const w = new BulkWriter(sab);
  const r = new BulkReader(sab);
  assert.equal(bulkable(BULK_MIN - 1), false);
  assert.equal(bulkable(BULK_MIN), true);
  assert.equal(r.ready(), false);
  const n = 3 * BULK_MIN + 5;
  const src = new Uint8Array(n).map((_, i) => (i * 13) & 0xff);
  assert.ok(w.claim(n));
  assert.ok(sab.byteLength >= n, 'the area grew to hold the message');
  assert.equal(w.claim(10), false, 'a second claim waits until the receiver has copied the first out');
  const dst = new Uint8Array(n);
  assert.equal(r.copy(dst, n), false, 'nothing published yet');
  w.fill(src);
  assert.ok(r.ready());
  assert.equal(r.copy(dst, n), true);
  assert.deepEqual(dst, src);
  assert.equal(r.ready(), false);
  // Freed: the next message (smaller) reuses the area.
  assert.ok(w.claim(BULK_MIN));
  w.fill(src.subarray(0, BULK_MIN));
  const again = new Uint8Array(BULK_MIN);
  assert.equal(r.copy(again, BULK_MIN), true);
  assert.deepEqual(again, src.subarray(0, BULK_MIN));
  // A claim given back (its ring record did not fit) frees the area too.
  assert.ok(w.claim(BULK_MIN));
  w.release();
  assert.ok(w.claim(BULK_MIN));
});

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
