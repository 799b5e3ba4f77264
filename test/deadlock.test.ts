import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeadlockDetector } from '../src/transport/threads/deadlock.ts';
import { ProcessDeadlockDetector } from '../src/transport/processes/deadlock.ts';
import type { BlockedWait } from '../src/errors.ts';
import type { RankState } from '../src/transport/processes/messages.ts';
import { RingReader, RingWriter, createRing } from '../src/transport/threads/ring.ts';
import { DOORBELL, STATE, WAIT_BELL, WAIT_OP, WAIT_PEER, WaitState, createControl, slot } from '../src/transport/threads/control.ts';
import { HANGS } from './helpers.ts';

function asleep(ctl: Int32Array, rank: number, peer: number, bell: number): void {
  Atomics.store(ctl, slot(rank, STATE), WaitState.Blocked);
  Atomics.store(ctl, slot(rank, WAIT_OP), 1);
  Atomics.store(ctl, slot(rank, WAIT_PEER), peer);
  Atomics.store(ctl, slot(rank, WAIT_BELL), bell);
  Atomics.store(ctl, slot(rank, DOORBELL), bell);
}

test('every rank asleep on the other, unchanged for three checks: a deadlock', { timeout: HANGS }, () => {
  const ctl = new Int32Array(createControl(2));
  asleep(ctl, 0, 1, 4);
  asleep(ctl, 1, 0, 9);
  const d = new DeadlockDetector(ctl, 2);
  assert.equal(d.check(), undefined);
  assert.equal(d.check(), undefined);
  const waits = d.check();
  assert.deepEqual(
    waits?.map((w) => [w.rank, w.op, w.peer]),
    [
      [0, 'recv', 1],
      [1, 'recv', 0],
    ],
  );
});

test('a rank rung after it fell asleep is on its way back, however long it takes (GC, no free core)', { timeout: HANGS }, () => {
  const ctl = new Int32Array(createControl(2));
  asleep(ctl, 0, 1, 4);
  asleep(ctl, 1, 0, 9);
  Atomics.add(ctl, slot(1, DOORBELL), 1); // rank 0 sent to rank 1 and rang; rank 1 has not run yet
  const d = new DeadlockDetector(ctl, 2);
  for (let i = 0; i < 10; i++) assert.equal(d.check(), undefined);
});

test('a rank asleep with an unread message in one of its rings missed a wake: it is rung, not reported', { timeout: HANGS }, () => {
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

// The processes transport's detector judges the ranks' answers (see transport/processes/deadlock.ts).
function state(peer: number, sent: [number, number][], arrived: [number, number][], blocked = true, sig = 's'): RankState {
  return { blocked, op: 'recv', peer, tag: 7, pending: 1, sig, sent, arrived };
}

function rounds(d: ProcessDeadlockDetector, live: boolean[], answers: (RankState | undefined)[], n: number): (BlockedWait[] | undefined)[] {
  const out = [];
  for (let i = 0; i < n; i++) {
    answers.forEach((a, r) => a && d.answer(r, a));
    out.push(d.check(live));
  }
  return out;
}

test('processes: every live rank blocked, nothing in flight, three identical rounds: a deadlock', { timeout: HANGS }, () => {
  const d = new ProcessDeadlockDetector();
  const got = rounds(d, [true, true], [state(1, [[1, 2]], [[1, 1]]), state(0, [[0, 1]], [[0, 2]])], 3);
  assert.deepEqual(got.slice(0, 2), [undefined, undefined]);
  assert.deepEqual(
    got[2]?.map((w) => [w.rank, w.op, w.peer, w.tag]),
    [
      [0, 'recv', 1, 7],
      [1, 'recv', 0, 7],
    ],
  );
});

test('processes: a message sent but not yet arrived, a rank that did not answer or is busy, or one that moved: no deadlock', { timeout: HANGS }, () => {
  const inFlight = new ProcessDeadlockDetector();
  assert.deepEqual(rounds(inFlight, [true, true], [state(1, [[1, 3]], []), state(0, [], [[0, 2]])], 5), Array(5).fill(undefined));
  const silent = new ProcessDeadlockDetector();
  assert.deepEqual(rounds(silent, [true, true], [state(1, [], []), undefined], 5), Array(5).fill(undefined));
  const busy = new ProcessDeadlockDetector();
  assert.deepEqual(rounds(busy, [true, true], [state(1, [], []), state(0, [], [], false)], 5), Array(5).fill(undefined));
  const moving = new ProcessDeadlockDetector();
  for (let i = 0; i < 5; i++) {
    moving.answer(0, state(1, [], [], true, `s${i}`));
    moving.answer(1, state(0, [], []));
    assert.equal(moving.check([true, true]), undefined);
  }
});

test('processes: exited ranks are left out, and what they sent is not waited for', { timeout: HANGS }, () => {
  const d = new ProcessDeadlockDetector();
  const got = rounds(d, [true, false, true], [state(1, [], [[1, 4]]), undefined, state(0, [[1, 9]], [])], 3);
  assert.deepEqual(
    got[2]?.map((w) => w.rank),
    [0, 2],
  );
});
