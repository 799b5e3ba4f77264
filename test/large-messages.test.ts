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
  const n = 3 * BULK_MIN + 5;
  const m = { data: new Uint8Array(n), got: 0, total: n };
  assert.equal(r.ready(m), false);
  const src = new Uint8Array(n).map((_, i) => (i * 13) & 0xff);
  assert.ok(w.claim(n));
  assert.ok(sab.byteLength >= n, 'the area grew to hold the message');
  assert.equal(w.claim(10), false, 'a second claim waits until the receiver has copied the first out');
  assert.equal(r.copy(m), false, 'nothing published yet');
  w.fill(src);
  assert.ok(r.ready(m));
  assert.equal(r.copy(m), true);
  assert.equal(m.got, n);
  assert.deepEqual(m.data, src);
  // Freed: the next message (smaller) reuses the area.
  const again = { data: new Uint8Array(BULK_MIN), got: 0, total: BULK_MIN };
  assert.equal(r.ready(again), false);
  assert.ok(w.claim(BULK_MIN));
  w.fill(src.subarray(0, BULK_MIN));
  assert.equal(r.copy(again), true);
  assert.deepEqual(again.data, src.subarray(0, BULK_MIN));
  // A claim given back (its ring record did not fit) frees the area too.
  assert.ok(w.claim(BULK_MIN));
  w.release();
  assert.ok(w.claim(BULK_MIN));
});

test('the bulk area: a message moved to a receive buffer halfway (a probe took it first) arrives whole there', { timeout: HANGS }, () => {
  const sab = createBulk();
  const w = new BulkWriter(sab);
  const r = new BulkReader(sab);
  const n = 2 * BULK_MIN;
  const src = new Uint8Array(n).map((_, i) => (i * 7 + 1) & 0xff);
  const m = { data: new Uint8Array(n), got: 0, total: n };
  assert.ok(w.claim(n));
  // The sender has published the first half; the receiver takes it into the unexpected buffer.
  w.fill(src.subarray(0, BULK_MIN));
  assert.equal(r.copy(m), false);
  assert.equal(m.got, BULK_MIN);
  // A receive with \`into\` matches now: the matcher copies the m.got bytes in and points m.data at it.
  const into = new Uint8Array(n);
  into.set(m.data.subarray(0, m.got));
  m.data = into;
  w.fill(src);
  assert.equal(r.copy(m), true);
  assert.deepEqual(into, src);
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
