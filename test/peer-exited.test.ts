import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DeadlockError, RankFailedError, launch } from 'ranks';
import { fixture, runFixture, HANGS } from './helpers.ts';
import { PeerExitedError } from '../src/errors.ts';
import { Matcher } from '../src/transport/matching.ts';
import { ANY_SOURCE, ANY_TAG } from '../src/constants.ts';

// A rank that ends cleanly while others still wait for it (issue 14.5): receives, probes
// and collectives that name it fail with ERR_PEER_EXITED on every transport, after every
// message it sent; a receive from ANY_SOURCE stays open; a deadlock is reported alike.

function arrive(m: Matcher, source: number, tag: number, byte: number): void {
  const msg = m.arrive(source, tag, 0, 0, 1);
  msg.data[0] = byte;
  msg.got = 1;
  m.complete(msg);
}

describe('the matcher and an exited peer', { timeout: HANGS }, () => {
  test('messages already in are received first; then receives and probes naming the peer fail; ANY_SOURCE stays open', () => {
    const m = new Matcher();
    const any = m.recv(0, ANY_SOURCE, 5, undefined);
    const posted = m.recv(0, 1, 3, undefined);
    arrive(m, 1, 1, 11);
    arrive(m, 1, 1, 12);
    m.peerExited(1);
    assert.ok(posted.failed && posted.error instanceof PeerExitedError, 'a posted receive from the exited peer fails');
    assert.equal((posted.error as PeerExitedError).code, 'ERR_PEER_EXITED');
    assert.equal(m.recv(0, 1, 1, undefined).value?.data[0], 11);
    assert.equal(m.recv(0, 1, ANY_TAG, undefined).value?.data[0], 12);
    const later = m.recv(0, 1, 1, undefined);
    assert.ok(later.failed && later.error instanceof PeerExitedError && later.error.peer === 1);
    const probe = m.probe(0, 1, ANY_TAG);
    assert.ok(probe.failed && probe.error instanceof PeerExitedError);
    assert.equal(any.done, false, 'a receive from ANY_SOURCE does not fail');
    assert.equal(m.pending, 1);
    arrive(m, 2, 5, 21);
    assert.equal(any.value?.data[0], 21);
    assert.equal(m.pending, 0);
  });

  test('a peer replaced (forget) is no longer exited', () => {
    const m = new Matcher();
    m.peerExited(1);
    m.forget(1, undefined, new Error('replaced'));
    assert.equal(m.recv(0, 1, 0, undefined).done, false);
  });
});

for (const transport of ['threads', 'processes'] as const) {
  describe(`a rank that exits while others wait for it (${transport})`, { timeout: HANGS }, () => {
    for (const mode of ['return', 'exit', 'exit-now']) {
      test(`its messages first, then ERR_PEER_EXITED for receives and probes naming it; ANY_SOURCE still served (${mode})`, async () => {
        assert.deepEqual((await runFixture('peer-exited.ts', 3, [mode], transport)).exitCodes, [0, 0, 0]);
      });
    }

    test('uncaught, the job fails with the waiting rank and the ERR_PEER_EXITED cause', async () => {
      await assert.rejects(runFixture('peer-exited.ts', 3, ['return', 'uncaught'], transport), (e: unknown) => {
        assert.ok(e instanceof RankFailedError, String(e));
        assert.equal(e.rank, 0);
        assert.equal((e.cause as { code?: string }).code, 'ERR_PEER_EXITED');
        assert.match(e.message, /PeerExitedError: recv\(source=1, tag=ANY_TAG\) cannot complete: rank 1 has exited/);
        return true;
      });
    });

    test('a rank that calls process.exit() as it leaves a barrier has done its part: the others complete it', async () => {
      for (let i = 0; i < 3; i++) assert.deepEqual((await runFixture('exit-after-barrier.ts', 4, [], transport)).exitCodes, [0, 0, 0, 0]);
    });

    test('a barrier and an allreduce with an exited rank fail with ERR_PEER_EXITED on every live rank', async () => {
      assert.deepEqual((await runFixture('barrier-exited.ts', 3, [], transport)).exitCodes, [0, 0, 0]);
    });
  });
}

describe('the processes transport reports deadlocks as threads do', { timeout: HANGS }, () => {
  test('the same DeadlockError, naming who waits for whom', async () => {
    const waits = async (transport: 'threads' | 'processes'): Promise<unknown> => {
      const e = await launch({ size: 2, script: fixture('deadlock.ts'), transport, timeout: 120_000 }).then(
        () => assert.fail('the job ended'),
        (err: unknown) => err,
      );
      assert.ok(e instanceof DeadlockError, String(e));
      assert.equal(e.code, 'ERR_DEADLOCK');
      return { waits: e.waits, message: e.message };
    };
    const threads = await waits('threads');
    const processes = await waits('processes');
    assert.deepEqual(processes, threads);
    assert.deepEqual((processes as { waits: unknown[] }).waits, [
      { rank: 0, op: 'recv', peer: 1, tag: 7, pending: 1 },
      { rank: 1, op: 'recv', peer: 0, tag: 7, pending: 1 },
    ]);
  });

  test('a rank that keeps a timer going is not deadlocked: only the timeout ends the job', async () => {
    await assert.rejects(launch({ size: 2, script: fixture('hangs.ts'), transport: 'processes', timeout: 15_000 }), (e: unknown) => {
      assert.equal((e as { code?: string }).code, 'ERR_TIMEOUT', String(e));
      assert.match((e as Error).message, /rank 0 waits in recv\(source=1, tag=7\)/);
      return true;
    });
  });

  test('a slow peer asleep on a timer is not a deadlock', async () => {
    assert.deepEqual((await runFixture('not-deadlock.ts', 2, [], 'processes')).exitCodes, [0, 0]);
  });
});
