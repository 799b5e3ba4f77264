import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  RanksError, isRanksError, TruncationError, KindMismatchError, DataCloneError, ArgumentRangeError, InvalidArgumentError, InvalidStateError,
  TimeoutError, AbortError, CancelledError, RankFailedError, DeadlockError, PeerExitedError, MpiError, FileError,
  Empty, Full, BrokenBarrierError, EOFError, ClosedError, NotHeldError, OverReleaseError,
} from 'ranks';
import { HANGS } from './helpers.ts';

test('every error class has its stable code, its name and the ranks brand', { timeout: HANGS }, () => {
  const table: [Error, string, string][] = [
    [new TruncationError(10, 4, 1, 2), 'ERR_TRUNCATE', 'TruncationError'],
    [new KindMismatchError('object', 1, 2), 'ERR_KIND_MISMATCH', 'KindMismatchError'],
    [new DataCloneError('value.f', 'a function'), 'ERR_DATA_CLONE', 'DataCloneError'],
    [new ArgumentRangeError('bad'), 'ERR_OUT_OF_RANGE', 'ArgumentRangeError'],
    [new InvalidArgumentError('bad'), 'ERR_INVALID_ARG', 'InvalidArgumentError'],
    [new InvalidStateError('started twice'), 'ERR_INVALID_STATE', 'InvalidStateError'],
    [new TimeoutError('recv', 5), 'ERR_TIMEOUT', 'TimeoutError'],
    [new AbortError('recv'), 'ERR_ABORTED', 'AbortError'],
    [new CancelledError('request'), 'ERR_CANCELLED', 'CancelledError'],
    [new RankFailedError(1, 2, 'x'), 'ERR_RANK_FAILED', 'RankFailedError'],
    [new DeadlockError([{ rank: 0, op: 'recv', peer: 1, tag: -1, pending: 1 }]), 'ERR_DEADLOCK', 'DeadlockError'],
    [new PeerExitedError(1, 'recv'), 'ERR_PEER_EXITED', 'PeerExitedError'],
    [new MpiError('MPI_Send', 14, 'Message truncated'), 'ERR_MPI', 'MpiError'],
    [new FileError('/tmp/x', 'MPI_ERR_NO_SUCH_FILE', 'ENOENT', 2, 'open failed: /tmp/x'), 'ERR_FILE', 'FileError'],
    [new Empty(), 'ERR_QUEUE_EMPTY', 'Empty'],
    [new Full(), 'ERR_QUEUE_FULL', 'Full'],
    [new BrokenBarrierError(), 'ERR_BROKEN_BARRIER', 'BrokenBarrierError'],
    [new EOFError(), 'ERR_EOF', 'EOFError'],
    [new ClosedError('closed'), 'ERR_CLOSED', 'ClosedError'],
    [new NotHeldError('not held'), 'ERR_NOT_HELD', 'NotHeldError'],
    [new OverReleaseError('too many'), 'ERR_OVER_RELEASE', 'OverReleaseError'],
  ];
  for (const [err, code, name] of table) {
    assert.equal((err as RanksError).code, code);
    assert.equal(err.name, name);
    assert.ok(isRanksError(err), `${name} is branded`);
    assert.ok(err instanceof Error);
    assert.ok(err.message.length > 0);
    if (!(err instanceof ArgumentRangeError)) assert.ok(err instanceof RanksError);
  }
  assert.ok(new ArgumentRangeError('x') instanceof RangeError);
  assert.equal(isRanksError(new Error('plain')), false);
  assert.equal(isRanksError({ code: 'ERR_TIMEOUT' }), false);
  assert.match(new DeadlockError([{ rank: 0, op: 'recv', peer: 1, tag: 7, pending: 2 }]).message, /rank 0 waits in recv\(source=1, tag=7\) \(\+1 more pending\)/);
});
