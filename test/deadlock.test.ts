import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlockDetector } from '../src/launch/deadlock.ts';
import { RingReader, RingWriter, createRing } from '../src/transport/threads/ring.ts';
import { DOORBELL, STATE, WAIT_BELL, WAIT_OP, WAIT_PEER, WaitState, createControl, slot } from '../src/transport/threads/control.ts';

function asleep(ctl: Int32Array, rank: number, peer: number, bell: number): void {
  Atomics.store(ctl, slot(rank, STATE), WaitState.Blocked);
  Atomics.store(ctl, slot(rank, WAIT_OP), 1);
  Atomics.store(ctl, slot(rank, WAIT_PEER), peer);
  Atomics.store(ctl, slot(rank, WAIT_BELL), bell);
  Atomics.store(ctl, slot(rank, DOORBELL), bell);
}

test('every rank asleep on the other, unchanged for three checks: a deadlock', () => {
  const ctl = new Int32Array(createControl(2));
  asleep(ctl, 0, 1, 4);
  asleep(ctl, 1, 0, 9);
  const d = new DeadlockDetector(ctl, 2);
  assert.equal(d.check(), undefined);
  assert.equal(d.check(), undefined);
  const waits = d.check();
  assert.deepEqual(waits?.map((w) => [w.rank, w.op, w.peer]), [[0, 'recv', 1], [1, 'recv', 0]]);
});

test('a rank rung after it fell asleep is on its way back, however long it takes (GC, no free core)', () => {
  const ctl = new Int32Array(createControl(2));
  asleep(ctl, 0, 1, 4);
  asleep(ctl, 1, 0, 9);
  Atomics.add(ctl, slot(1, DOORBELL), 1); // rank 0 sent to rank 1 and rang; rank 1 has not run yet
  const d = new DeadlockDetector(ctl, 2);
  for (let i = 0; i < 10; i++) assert.equal(d.check(), undefined);
});

test('a rank asleep with an unread message in one of its rings missed a wake: it is rung, not reported', () => {
  const ctl = new Int32Array(createControl(2));
  asleep(ctl, 0, 1, 4);
  asleep(ctl, 1, 0, 9);
  const ring = createRing(1024);
  assert.ok(new RingWriter(ring).write(0, 3, 7, 0, 1, new Uint8Array([1]), 0, 1));
  const d = new DeadlockDetector(ctl, 2, [[ring], []]);
  for (let i = 0; i < 5; i++) assert.equal(d.check(), undefined);
  assert.notEqual(Atomics.load(ctl, slot(0, DOORBELL)), 4, 'rank 0 was rung');
  new RingReader(ring).drain(() => {});
  asleep(ctl, 0, 1, Atomics.load(ctl, slot(0, DOORBELL)));
  for (let i = 0; i < 2; i++) assert.equal(d.check(), undefined);
  assert.ok(d.check(), 'once the ring is read and the rank still waits, it is a deadlock');
});
