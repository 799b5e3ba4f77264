import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlockError } from 'ranks';
import { BULK_MIN, BulkReader, BulkWriter, OFFER_MS, bulkable, createBulk } from '../src/transport/threads/bulk.ts';
import { READERS, STOPPING, createControl, retire, slot } from '../src/transport/threads/control.ts';
import { oneCopy } from '../src/transport/libc.ts';
import { HANGS, runFixture } from './helpers.ts';

test('the bulk area: one message at a time, grown to fit, copied out as it is published, freed when whole', { timeout: HANGS }, () => {
  const sab = createBulk();
  const w = new BulkWriter(sab, new Int32Array(createControl(2)), 0);
  const r = new BulkReader(sab, new Int32Array(createControl(2)), 1);
  assert.equal(bulkable(BULK_MIN - 1), false);
  assert.equal(bulkable(BULK_MIN), true);
  const n = 3 * BULK_MIN + 5;
  const m = { kind: 0, data: new Uint8Array(n), got: 0, total: n };
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
  const again = { kind: 0, data: new Uint8Array(BULK_MIN), got: 0, total: BULK_MIN };
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
  const w = new BulkWriter(sab, new Int32Array(createControl(2)), 0);
  const r = new BulkReader(sab, new Int32Array(createControl(2)), 1);
  const n = 2 * BULK_MIN;
  const src = new Uint8Array(n).map((_, i) => (i * 7 + 1) & 0xff);
  const m = { kind: 0, data: new Uint8Array(n), got: 0, total: n };
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

test('one copy: an offer is copied once straight from the sender, or withdrawn into the area, never both', { timeout: HANGS }, (t) => {
  if (!oneCopy()) return t.skip('one copy cannot load here (koffi or libc missing), so large messages take the area');
  const job = new Int32Array(createControl(2));
  const sab = createBulk();
  const w = new BulkWriter(sab, job, 1);
  const r = new BulkReader(sab, job, 0);
  const n = 3 * BULK_MIN + 7;
  const src = new Uint8Array(n).map((_, i) => (i * 11 + 3) & 0xff);
  // Taken: the receiver copies from src itself; the area never grows for it.
  assert.ok(w.offer(src));
  assert.ok(sab.byteLength < n, 'an offer does not grow the area');
  assert.equal(w.claim(10), false, 'the area is held while the offer stands');
  const m: { kind: number; data: Uint8Array; got: number; total: number; waiter?: unknown } = { kind: 0, data: new Uint8Array(n), got: 0, total: n };
  assert.equal(r.ready(m), false, 'an offer waits for a receive');
  assert.equal(r.copy(m), false);
  m.waiter = {};
  assert.ok(r.ready(m), 'an offer is ready once a receive waits for it');
  assert.equal(w.taken(), false);
  assert.equal(r.copy(m), true);
  assert.deepEqual(m.data, src);
  assert.equal(w.taken(), true, 'the sender sees the copy done');
  assert.equal(w.withdraw(src), false, 'a taken offer cannot be withdrawn');
  assert.equal(job[slot(0, READERS)], 0, 'the copy is no longer counted');
  // Withdrawn: the sender copies into the area, and the receiver reads it from there.
  const src2 = src.map((v) => v ^ 0x5a);
  assert.ok(w.offer(src2));
  assert.equal(w.withdraw(src2), true);
  assert.ok(sab.byteLength >= n, 'a withdrawn offer grows the area for its copy');
  const m2 = { kind: 0, data: new Uint8Array(n), got: 0, total: n };
  assert.equal(r.copy(m2), true);
  assert.deepEqual(m2.data, src2);
  assert.equal(w.taken(), false, 'a withdrawn offer is never reported taken');
  // A sender that is ending (STOPPING): no copy starts from its memory; it withdraws instead.
  assert.ok(w.offer(src));
  retire(job, 0);
  const m3 = { kind: 0, data: new Uint8Array(n), got: 0, total: n, waiter: {} };
  assert.equal(r.ready(m3), false);
  assert.equal(r.copy(m3), false);
  assert.equal(m3.got, 0);
  assert.equal(job[slot(0, READERS)], STOPPING, 'the reader that backed off is not counted');
  assert.equal(w.withdraw(src), true);
  assert.equal(r.copy(m3), true);
  assert.deepEqual(m3.data, src);
  assert.ok(OFFER_MS > 0);
  // A message of 1 MiB and more asks the sender for help with its second half; a sender
  // that is not there (none here) leaves all of it to the receiver.
  const big = new Uint8Array(5 << 20).map((_, i) => (i * 29 + 5) & 0xff);
  const fresh = new BulkWriter(createBulk(), job, 1);
  const sab2 = (fresh as unknown as { sab: SharedArrayBuffer }).sab;
  job[slot(0, READERS)] = 0;
  assert.ok(fresh.offer(big));
  const m4 = { kind: 0, data: new Uint8Array(big.length), got: 0, total: big.length, waiter: {} };
  assert.equal(new BulkReader(sab2, job, 0).copy(m4), true);
  assert.deepEqual(m4.data, big);
  assert.equal(fresh.help(big.length), false, 'nothing left to help with');
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
