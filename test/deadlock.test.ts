import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlockDetector } from '../src/launch/deadlock.ts';
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
