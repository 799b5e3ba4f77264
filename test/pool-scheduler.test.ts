// The pool's scheduler alone, against a fake world (pool-fake-world.ts). No worker runs and
// no timer is waited on (but the one a timeout arms): each step waits for the scheduler to
// have done all it can (turn()).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { claimedSlot, vetoSlot } from '../src/pool/flags.ts';
import { SAME_TASK, type ResultMessage } from '../src/pool/protocol.ts';
import { HANGS } from './helpers.ts';
import { MODULE, add, setup, square, turn } from './pool-fake-world.ts';

describe('pool scheduler against a fake world', { timeout: HANGS }, () => {
  test('queueing and dispatch order: one chunk per idle worker, the rest queued until one is free', async () => {
    const { fake, scheduler } = setup(2);
    const [a] = scheduler.submit<number>(square, [[1]]);
    const [b] = scheduler.submit<number>(square, [[2]]);
    const [c] = scheduler.submit<number>(square, [[3]]);
    assert.equal(fake.sent.length, 0, 'submits made in one go leave together, after this tick');
    await turn();
    assert.deepEqual(fake.ids(1), [[1, 1]]);
    assert.deepEqual(fake.ids(2), [[2, 1]]);
    assert.deepEqual([a!.running(), b!.running(), c!.running()], [true, true, false], 'the third waits for an idle worker');
    assert.deepEqual(fake.work(2), [2]);
    await turn();
    assert.deepEqual(
      fake.ids(2),
      [
        [2, 1],
        [3, 2],
      ],
      'the queued chunk goes to the worker that became free',
    );
    assert.equal(await b, 4);
    fake.work(1);
    fake.work(2);
    assert.deepEqual([await a, await c], [1, 9]);
    await turn();
    assert.equal(fake.listening, false, 'no receive is left posted once nothing is awaited');
    assert.equal(scheduler.state.kind, 'open');
  });

  test('plenty queued: each worker gets several chunks in one message, the task named once per run of it', async () => {
    const { fake, scheduler } = setup(2);
    const futures = scheduler.submit<number>(square, [[1], [2], [3], [4], [5], [6], [7], [8]]);
    await turn();
    const toOne = fake.sent.filter(([d]) => d === 1);
    assert.equal(toOne.length, 1, 'one message per worker and pass');
    // Each worker's share of all eight at once; the last one waits for the first worker
    // free (a lone queued call is not prefetched behind a busy one).
    assert.deepEqual(toOne[0]![2], [
      [1, 1, MODULE, 'square', [[1]]],
      [3, 2, null, SAME_TASK, [[3]]],
      [5, 3, null, SAME_TASK, [[5]]],
      [7, 4, null, SAME_TASK, [[7]]],
    ]);
    assert.deepEqual(fake.ids(2), [
      [2, 1],
      [4, 2],
      [6, 3],
    ]);
    while (!futures.every((f) => f.done())) {
      for (const rank of [1, 2]) if (fake.untaken(rank) > 0) fake.work(rank, fake.untaken(rank));
      await turn();
    }
    assert.deepEqual(await Promise.all(futures), [1, 4, 9, 16, 25, 36, 49, 64]);
    const ran = [...fake.ids(1), ...fake.ids(2)].map(([id]) => id).sort((x, y) => x - y);
    assert.deepEqual(ran, [1, 2, 3, 4, 5, 6, 7, 8], 'each chunk sent once');
    for (const rank of [1, 2]) {
      const ids = fake.ids(rank);
      assert.deepEqual(
        ids.map(([, seq]) => seq),
        ids.map((_, i) => i + 1),
        `worker ${rank}'s chunks numbered 1, 2, 3...`,
      );
      assert.deepEqual(
        ids.map(([id]) => id),
        ids.map(([id]) => id).sort((x, y) => x - y),
        `worker ${rank} got them in submission order`,
      );
    }
  });

  test('a stopped queued chunk is dropped: never sent, no worker replaced', async () => {
    const { fake, scheduler } = setup(1);
    const [a] = scheduler.submit<number>(square, [[5]]);
    await turn();
    const ac = new AbortController();
    const [b] = scheduler.submit<number>(add, [[1, 2]], 1, { signal: ac.signal });
    await turn();
    assert.deepEqual(fake.ids(1), [[1, 1]], 'the second waits in the queue');
    ac.abort();
    await assert.rejects(b!.result(), { code: 'ERR_ABORTED' });
    fake.work(1);
    assert.equal(await a, 25);
    await turn();
    assert.deepEqual(fake.ids(1), [[1, 1]], 'the dropped chunk was never sent');
    assert.deepEqual(fake.log, []);
  });

  test('a stopped chunk its worker holds but has not started is withdrawn: the worker skips it and is kept', async () => {
    const { fake, scheduler } = setup(1);
    const ac = new AbortController();
    const [a] = scheduler.submit<number>(square, [[3]]);
    const [b] = scheduler.submit<number>(square, [[4]], 1, { signal: ac.signal });
    const [c] = scheduler.submit<number>(square, [[5]]);
    await turn();
    assert.deepEqual(
      fake.ids(1),
      [
        [1, 1],
        [2, 2],
      ],
      'the second prefetched, the third queued',
    );
    ac.abort();
    await assert.rejects(b!.result(), { code: 'ERR_ABORTED' });
    assert.equal(fake.flags.load(vetoSlot(1, 2)), 2, 'rank 0 vetoed it');
    fake.work(1, 2);
    assert.equal(await a, 9);
    await turn();
    assert.deepEqual(fake.ids(1), [
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    fake.work(1);
    assert.equal(await c, 25);
    await turn();
    assert.deepEqual(fake.log, [], 'no worker replaced');
    assert.equal(fake.listening, false, 'the skip was heard: nothing left to hear');
  });

  test('cancel(): true for a prefetched call (withdrawn), false for a running one', async () => {
    const { fake, scheduler } = setup(1);
    const [a, b, c] = scheduler.submit<number>(square, [[3], [4], [5]]);
    await turn();
    assert.equal(a!.cancel(), false, 'running');
    assert.equal(b!.cancel(), true, 'withdrawn before its worker started it');
    assert.equal(b!.cancelled(), true);
    assert.equal(c!.cancel(), true, 'queued');
    fake.work(1, 2);
    assert.equal(await a, 9);
    await turn();
    assert.deepEqual(
      fake.ids(1),
      [
        [1, 1],
        [2, 2],
      ],
      'the cancelled queued call is never sent',
    );
    assert.equal(fake.listening, false);
  });

  test('a stopped running chunk ends its worker, which is replaced; the chunks behind it run on the new one', async () => {
    const { fake, scheduler } = setup(1);
    const ac = new AbortController();
    const [a] = scheduler.submit<number>(square, [[2]], 1, { signal: ac.signal });
    const [b, c] = scheduler.submit<number>(square, [[3], [4]]);
    await turn();
    assert.deepEqual(fake.ids(1), [
      [1, 1],
      [2, 2],
    ]);
    ac.abort(new Error('enough'));
    await assert.rejects(a!.result(), (err: Error & { code: string; cause: Error }) => err.code === 'ERR_ABORTED' && err.cause.message === 'enough');
    assert.deepEqual(fake.log, ['reset 1', 'replace 1'], 'its channels forgotten, then the worker ended and started again');
    await turn();
    assert.deepEqual(
      fake.ids(1),
      [
        [1, 1],
        [2, 2],
        [2, 1],
      ],
      'the one it held again, first, numbered afresh for the new worker',
    );
    fake.work(1);
    assert.equal(await b, 9);
    await turn();
    assert.deepEqual(fake.ids(1).at(-1), [3, 2]);
    fake.work(1);
    assert.equal(await c, 16);
  });

  test("timeout: a queued and a running chunk reject with TimeoutError; the running one's worker is replaced", async () => {
    // The timeouts' timers are unref'd, as they are for users: this one keeps the test alive.
    const alive = setTimeout(() => assert.fail('hung'), HANGS);
    try {
      const { fake, scheduler } = setup(1);
      const [a] = scheduler.submit<number>(square, [[2]]);
      await turn();
      const [queued] = scheduler.submit<number>(square, [[3]], 1, { timeout: 1 });
      await assert.rejects(queued!.result(), { code: 'ERR_TIMEOUT' });
      fake.work(1);
      assert.equal(await a, 4);
      const [running] = scheduler.submit<number>(square, [[4]], 1, { timeout: 1 });
      await turn();
      await assert.rejects(running!.result(), { code: 'ERR_TIMEOUT' });
      assert.deepEqual(fake.log, ['reset 1', 'replace 1'], "only the running one's worker replaced");
      await turn();
      assert.deepEqual(
        fake.ids(1),
        [
          [1, 1],
          [3, 2],
        ],
        'the queued one was never sent',
      );
      const [after] = scheduler.submit<number>(square, [[5]]);
      await turn();
      assert.deepEqual(fake.ids(1).at(-1), [4, 1], 'to the fresh worker');
      fake.work(1);
      assert.equal(await after, 25);
    } finally {
      clearTimeout(alive);
    }
  });

  test('a worker that dies breaks the pool: every pending call rejects, the workers are ended, submits throw', async () => {
    const { fake, scheduler } = setup(2);
    const futures = scheduler.submit<number>(square, [[1], [2], [3]]);
    await turn();
    fake.die(1);
    for (const f of futures)
      await assert.rejects(f.result(), (err: Error & { code: string }) => err.code === 'ERR_BROKEN_POOL' && /worker 1 exited with code 3/.test(err.message));
    assert.deepEqual(fake.log, ['terminate']);
    assert.equal(scheduler.state.kind, 'broken');
    assert.throws(() => scheduler.submit(square, [[1]]), { code: 'ERR_BROKEN_POOL' });
    fake.die(2);
    assert.equal(scheduler.state.kind, 'broken', 'a second death changes nothing');
    await scheduler.close();
    assert.equal(scheduler.state.kind, 'closed');
    assert.deepEqual(fake.log, ['terminate', 'terminate', 'dispose']);
    assert.throws(() => scheduler.submit(square, [[1]]), { code: 'ERR_INVALID_STATE' });
  });

  test('close() refuses new tasks, runs the queued ones, then stops every worker and resolves once they ended', async () => {
    const { fake, scheduler } = setup(2);
    const futures = scheduler.submit<number>(square, [[1], [2], [3]]);
    let closed = false;
    const closing = scheduler.close().then(() => (closed = true));
    assert.equal(scheduler.state.kind, 'closing');
    assert.throws(() => scheduler.submit(square, [[1]]), { code: 'ERR_INVALID_STATE' });
    await turn();
    fake.work(1);
    await turn();
    fake.work(1);
    await turn();
    assert.equal(closed, false, 'a call is still awaited');
    assert.equal(
      fake.sent.some(([, , v]) => v === null),
      false,
      'no worker told to stop yet',
    );
    fake.work(2);
    await closing;
    assert.deepEqual(await Promise.all(futures), [1, 4, 9]);
    assert.deepEqual(
      fake.sent.filter(([, , v]) => v === null).map(([d]) => d),
      [1, 2],
      'each worker told to stop',
    );
    assert.deepEqual(fake.log, ['ref', 'exited 1', 'exited 2', 'dispose']);
    assert.equal(scheduler.state.kind, 'closed');
    assert.equal(scheduler.close(), scheduler.close(), 'close() again gives the same promise');
  });

  test('terminate() fails every pending call and ends the workers now', async () => {
    const { fake, scheduler } = setup(1);
    const futures = scheduler.submit<number>(square, [[1], [2]]);
    await turn();
    await scheduler.terminate();
    for (const f of futures) await assert.rejects(f.result(), { code: 'ERR_BROKEN_POOL', message: 'The pool was terminated' });
    assert.deepEqual(fake.log, ['terminate', 'dispose']);
    assert.equal(scheduler.state.kind, 'terminated');
    assert.equal(fake.listening, false);
    assert.throws(() => scheduler.submit(square, [[1]]), { code: 'ERR_INVALID_STATE' });
  });

  test('maxTasksPerWorker: a worker that ran its budget is told to stop and replaced; the next call runs on the fresh one', async () => {
    const { fake, scheduler } = setup(1, { maxTasksPerWorker: 2 });
    const futures = scheduler.submit<number>(square, [[1], [2], [3]]);
    await turn();
    assert.deepEqual(
      fake.ids(1),
      [
        [1, 1],
        [2, 2],
      ],
      'no more than its budget',
    );
    fake.work(1, 2);
    await turn();
    assert.deepEqual(fake.log, ['exited 1', 'reset 1', 'replace 1 (stopped already)']);
    assert.deepEqual(
      fake.sent.filter(([, , v]) => v === null).map(([d]) => d),
      [1],
      'told to stop',
    );
    assert.deepEqual(
      fake.ids(1),
      [
        [1, 1],
        [2, 2],
        [3, 1],
      ],
      'the third on the fresh worker',
    );
    fake.work(1);
    assert.deepEqual(await Promise.all(futures), [1, 4, 9]);
  });

  test('a chunk the worker skipped though rank 0 failed to withdraw it (each saw the other) runs again', async () => {
    const { fake, scheduler } = setup(1);
    const [a, b, c] = scheduler.submit<number>(square, [[3], [4], [5]]);
    await turn();
    const first = fake.claimNext(1);
    const replyA = fake.reply(1, first.msg);
    // The worker claims the second chunk; rank 0 vetoes it and sees the claim; the worker
    // then sees the veto too, and skips it.
    fake.flags.store(claimedSlot(1), 2);
    assert.equal(b!.cancel(), false, 'too late to withdraw');
    assert.equal(fake.flags.load(vetoSlot(1, 2)), 2);
    fake.deliver([replyA, [2, null]]);
    await turn();
    assert.equal(await a, 9);
    assert.deepEqual(
      fake.ids(1),
      [
        [1, 1],
        [2, 2],
        [2, 3],
      ],
      'sent again, before the one queued behind it',
    );
    fake.claimNext(1);
    fake.work(1);
    assert.equal(await b, 16);
    await turn();
    fake.work(1);
    assert.equal(await c, 25);
  });

  test("over ranks it cannot end (a communicator's): a stopped running call is let go and its late result dropped", async () => {
    const { fake, scheduler } = setup(1, { canReplace: false });
    const ac = new AbortController();
    const [a] = scheduler.submit<number>(square, [[2]], 1, { signal: ac.signal });
    await turn();
    ac.abort();
    await assert.rejects(a!.result(), { code: 'ERR_ABORTED' });
    assert.deepEqual(fake.log, []);
    const [b] = scheduler.submit<number>(square, [[3]]);
    await turn();
    fake.work(1, 2);
    assert.equal(await b, 9, "the next call runs; the first one's result was dropped");
  });

  test('an argument that cannot be sent fails its own call only', async () => {
    const { fake, scheduler } = setup(1);
    const futures = scheduler.submit<number>(square, [[1], [() => 2], [3]], 3);
    await turn();
    await assert.rejects(futures[1]!.result(), { code: 'ERR_DATA_CLONE' });
    await turn();
    assert.deepEqual(
      fake.tasks(1).map((m) => m[4]),
      [[[1], [3]]],
      'the rest of its chunk went',
    );
    fake.work(1);
    assert.deepEqual([await futures[0], await futures[2]], [1, 9]);
  });

  test('a reply of no known shape breaks the pool, saying so', async () => {
    const { fake, scheduler } = setup(1);
    const [a] = scheduler.submit<number>(square, [[1]]);
    await turn();
    fake.deliver([['1', 'what'] as unknown as ResultMessage]);
    await assert.rejects(
      a!.result(),
      (err: Error & { code: string }) => err.code === 'ERR_BROKEN_POOL' && /no known shape: \[string, string\]/.test(err.message),
    );
    assert.equal(scheduler.state.kind, 'broken');
  });
});
