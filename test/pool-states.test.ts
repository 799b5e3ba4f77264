// The pool's state machines on their own: a chunk's lifecycle (lifecycle.ts), the decoding
// of a worker's reply (protocol.ts) and the scheduler's own state (state.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BrokenPoolError } from '../src/errors.ts';
import { makeChunks, type Chunk } from '../src/pool/chunks.ts';
import { Future } from '../src/pool/future.ts';
import { LifecycleError, isHeldBy, isLive, markDone, markQueued, markRunning, markSent, markWithdrawn } from '../src/pool/lifecycle.ts';
import { decodeReply, type ResultMessage } from '../src/pool/protocol.ts';
import { SchedulerPhase } from '../src/pool/state.ts';
import { HANGS } from './helpers.ts';
import { square } from './pool-fake-world.ts';

describe('chunk lifecycle', { timeout: HANGS }, () => {
  function chunk(): Chunk {
    return makeChunks(square, [[1]], [new Future()], 1, false, undefined, 7, { withdraw: () => false, finished: () => undefined })[0]!;
  }

  test('the allowed moves, and the state they leave', () => {
    const c = chunk();
    assert.equal(c.state.kind, 'queued');
    assert.ok(isLive(c));
    markSent(c, 2, 5);
    assert.deepEqual(c.state, { kind: 'sent', worker: 2, seq: 5 });
    assert.ok(isHeldBy(c, 2) && !isHeldBy(c, 1));
    markRunning(c);
    assert.deepEqual(c.state, { kind: 'running', worker: 2, seq: 5 });
    markQueued(c);
    markSent(c, 1, 1);
    markWithdrawn(c);
    assert.equal(isLive(c), false);
    assert.equal(isHeldBy(c, 1), false, 'a withdrawn chunk is held but not awaited');
    markDone(c);
    assert.equal(c.state.kind, 'done');
  });

  test('a move the lifecycle does not allow throws LifecycleError', () => {
    const c = chunk();
    assert.throws(() => markRunning(c), LifecycleError, 'queued → running');
    assert.throws(() => markWithdrawn(c), LifecycleError, 'queued → withdrawn');
    assert.throws(() => markQueued(c), LifecycleError, 'queued → queued');
    markSent(c, 1, 1);
    assert.throws(() => markSent(c, 1, 2), LifecycleError, 'sent → sent');
    markRunning(c);
    assert.throws(() => markWithdrawn(c), LifecycleError, 'running → withdrawn');
    markDone(c);
    for (const move of [() => markQueued(c), () => markSent(c, 1, 3), () => markDone(c)]) assert.throws(move, /cannot go from done to/);
  });
});

describe('decodeReply', { timeout: HANGS }, () => {
  test('each shape a worker sends, and none other', () => {
    assert.deepEqual(decodeReply([4, null]), { kind: 'skipped', id: 4 });
    assert.deepEqual(decodeReply([4, null, [1, 2]]), { kind: 'values', id: 4, values: [1, 2] });
    assert.deepEqual(decodeReply([4, [[1, 'x']]]), { kind: 'outcomes', id: 4, outcomes: [[1, 'x']] });
    for (const bad of [null, [], ['4', null], [4, 'x'], [4, [], [1]], [4, null, 'x']]) {
      assert.throws(() => decodeReply(bad as unknown as ResultMessage), /ranks internal error: a pool worker's reply has no known shape/);
    }
  });
});

describe('scheduler state', { timeout: HANGS }, () => {
  test('open → broken → closing → closed, and terminated from anywhere', () => {
    const phase = new SchedulerPhase();
    // Read through a function: assert.equal narrows what it is given, and the state moves.
    const kind = (): string => phase.state.kind;
    assert.equal(phase.stopping, false);
    phase.checkOpen();
    const err = new BrokenPoolError('x');
    assert.equal(phase.fail(err), 'open');
    assert.equal(phase.fail(err), undefined, 'failing twice changes nothing');
    assert.equal(kind(), 'broken');
    assert.equal(phase.close(), true);
    assert.deepEqual(phase.state, { kind: 'closing', error: err });
    assert.equal(phase.close(), false);
    phase.closed();
    assert.equal(kind(), 'closed');
    assert.throws(() => phase.closed(), /cannot go from closed to closed/);
    phase.terminate(err);
    assert.equal(kind(), 'terminated');
    assert.throws(() => phase.checkOpen(), { code: 'ERR_INVALID_STATE' });
  });
});
