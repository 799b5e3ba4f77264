import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Lock,
  RLock,
  Semaphore,
  BoundedSemaphore,
  Event,
  Condition,
  Barrier,
  Value,
  SharedArray,
  revive,
  share,
  NotHeldError,
  OverReleaseError,
  BrokenBarrierError,
  AbortError,
  TimeoutError,
  InvalidArgumentError,
  ArgumentRangeError,
  wtime,
} from 'ranks';
import { inWorker, inWorkers } from './sync-helpers.ts';
import { HANGS } from './helpers.ts';

const WORKERS = 4;

// Times out with a generous upper bound: these check that a wait ended by its timeout, not speed.
async function timesOut<T>(p: Promise<T>, timeout: number): Promise<T> {
  const t0 = wtime();
  const r = await p;
  const ms = (wtime() - t0) * 1000;
  assert.ok(ms >= timeout - 2, `returned after ${ms} ms, before its ${timeout} ms timeout`);
  assert.ok(ms < timeout + 10_000, `returned after ${ms} ms`);
  return r;
}

describe('Lock and RLock', { timeout: HANGS }, () => {
  test('a Lock keeps a shared counter exact under 4 workers (10^4 increments)', async (t) => {
    const lock = new Lock();
    const counter = new Value('int32', 0, { lock: false });
    await inWorkers(t, WORKERS, 'lockCounter', () => ({ lock, counter, n: 2500 }));
    assert.equal(counter.value, 10_000);
    assert.equal(lock.locked(), false);
  });

  test("acquireSync/holdSync and a Value's own lock keep counters exact too", async (t) => {
    const lock = new Lock();
    const a = new Value('float64', 0);
    const b = new Value('float64', 0);
    await Promise.all([
      inWorkers(t, 2, 'lockCounterSync', () => ({ lock, counter: a, n: 2000 })),
      inWorkers(t, 2, 'valueLockCounter', () => ({ counter: b, n: 2000 })),
    ]);
    assert.equal(a.value, 4000);
    assert.equal(b.value, 4000);
  });

  test('acquire resolves false on timeout and with blocking: false; abort rejects', async () => {
    const lock = new Lock();
    assert.equal(await lock.acquire(), true);
    assert.equal(await lock.acquire({ blocking: false }), false);
    assert.equal(await timesOut(lock.acquire({ timeout: 50 }), 50), false);
    assert.equal(lock.acquireSync({ timeout: 20 }), false);
    const ac = new AbortController();
    const pending = lock.acquire({ signal: ac.signal });
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(pending, AbortError);
    await assert.rejects(lock.hold({ timeout: 10 }), TimeoutError);
    lock.release();
    assert.throws(() => lock.release(), NotHeldError);
    {
      using _held = await lock.hold();
      assert.equal(lock.locked(), true);
    }
    assert.equal(lock.locked(), false);
    assert.equal(await lock.withLock(() => 7), 7);
    assert.throws(() => lock.acquireSync({ timeout: -1 }), ArgumentRangeError);
  });

  test('a release wakes a waiter in another worker', async (t) => {
    const lock = new Lock();
    const counter = new Value('int32', 0, { lock: false });
    await lock.acquire();
    const done = inWorker(t, 'lockCounter', { lock, counter, n: 1 });
    setTimeout(() => lock.release(), 50);
    await done;
    assert.equal(counter.value, 1);
  });

  test('an RLock is reentrant for its thread; another thread can neither release nor take it', async (t) => {
    const rlock = new RLock();
    assert.equal(await rlock.acquire(), true);
    assert.equal(await rlock.acquire(), true);
    assert.equal(rlock.isOwned(), true);
    const r = await inWorker<Record<string, unknown>>(t, 'rlockForeign', { rlock });
    assert.deepEqual(r, { release: 'ERR_NOT_HELD', owned: false, locked: true, acquired: false });
    rlock.release();
    assert.equal(rlock.locked(), true);
    rlock.release();
    assert.equal(rlock.locked(), false);
    assert.throws(() => rlock.release(), NotHeldError);
  });
});

describe('Semaphore and BoundedSemaphore', { timeout: HANGS }, () => {
  test('at most N holders at once across 4 workers, and N are reached', async (t) => {
    const sem = new Semaphore(2);
    const active = new SharedArray('int32', 2);
    const start = new Barrier(WORKERS);
    await inWorkers(t, WORKERS, 'semaphore', () => ({ sem, active, rounds: 20, start }));
    assert.equal(active.array[0], 0);
    assert.equal(active.array[1], 2);
    assert.equal(sem.getValue(), 2);
  });

  test('timeouts, blocking: false, release(n), and a bounded over-release', async () => {
    const sem = new Semaphore(1);
    assert.equal(await sem.acquire(), true);
    assert.equal(await sem.acquire({ blocking: false }), false);
    assert.equal(await timesOut(sem.acquire({ timeout: 40 }), 40), false);
    sem.release(3);
    assert.equal(sem.getValue(), 3);
    const bounded = new BoundedSemaphore(2);
    assert.throws(() => bounded.release(), OverReleaseError);
    assert.equal(bounded.acquireSync(), true);
    bounded.release();
    assert.throws(
      () => bounded.release(),
      (e: unknown) => e instanceof OverReleaseError && e.code === 'ERR_OVER_RELEASE',
    );
    assert.throws(() => new Semaphore(-1), ArgumentRangeError);
    assert.throws(() => new Semaphore('1' as never), InvalidArgumentError);
  });
});

describe('Event', { timeout: HANGS }, () => {
  test('wait times out with false, and set wakes waiters in 3 workers with true', async (t) => {
    const event = new Event();
    assert.equal(await timesOut(event.wait({ timeout: 40 }), 40), false);
    assert.equal(await inWorker(t, 'eventWait', { event, timeout: 40 }), false);
    const ready = [new Event(), new Event(), new Event()];
    const waiting = inWorkers(t, 3, 'eventWait', (id) => ({ event, timeout: 30_000, ready: ready[id] }));
    for (const r of ready) await r.wait();
    event.set();
    assert.deepEqual(await waiting, [true, true, true]);
    assert.equal(event.isSet(), true);
    assert.equal(event.waitSync({ timeout: 0 }), true);
    event.clear();
    assert.equal(event.waitSync({ timeout: 10 }), false);
  });
});

describe('Condition', { timeout: HANGS }, () => {
  test('waitFor and notifyAll hand 200 items to 3 consumer workers, each taken once', async (t) => {
    const cond = new Condition();
    const items = new Value('int32', 0);
    const taken = new Value('int32', 0);
    const consumers = inWorkers<number>(t, 3, 'conditionConsumer', () => ({ cond, items, taken, want: 200 }));
    for (let i = 0; i < 200; i++) {
      using _held = await cond.hold();
      items.value += 1;
      cond.notify();
    }
    const mine = await consumers;
    assert.equal(
      mine.reduce((a, b) => a + b, 0),
      200,
    );
    assert.equal(taken.value, 200);
  });

  test('notify(1) wakes one waiter, notifyAll the rest; wait times out with false', async (t) => {
    const cond = new Condition(new Lock());
    const ready = new Value('int32', 0);
    const waiters = Array.from({ length: 3 }, () => inWorker<boolean>(t, 'conditionWait', { cond, ready, timeout: 30_000 }));
    while (ready.value < 3) await new Promise((r) => setTimeout(r, 5));
    // Each waiter raised `ready` holding the lock and released it only by waiting.
    await cond.acquire();
    cond.notify(1);
    cond.release();
    const first = await Promise.race(waiters.map((p, i) => p.then(() => i)));
    await cond.acquire();
    cond.notifyAll();
    cond.release();
    assert.deepEqual(await Promise.all(waiters), [true, true, true]);
    assert.ok(first >= 0);
    await cond.acquire();
    assert.equal(await timesOut(cond.wait({ timeout: 40 }), 40), false);
    assert.equal(cond.lock.locked(), true);
    cond.release();
    assert.throws(() => cond.notify(), NotHeldError);
    await assert.rejects(async () => cond.wait(), NotHeldError);
  });

  test('an aborted wait takes the lock back before rejecting', async () => {
    const cond = new Condition();
    await cond.acquire();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(cond.wait({ signal: ac.signal }), AbortError);
    assert.equal((cond.lock as RLock).isOwned(), true);
    cond.release();
  });
});

describe('Barrier', { timeout: HANGS }, () => {
  test('4 workers pass 5 rounds together, with distinct indices each round', async (t) => {
    const barrier = new Barrier(WORKERS);
    const arrived = new SharedArray('int32', 5);
    const indices = await inWorkers<number[]>(t, WORKERS, 'barrier', () => ({ barrier, arrived, rounds: 5 }));
    for (let r = 0; r < 5; r++) assert.deepEqual(indices.map((i) => i[r]).sort(), [0, 1, 2, 3]);
    assert.equal(barrier.broken, false);
  });

  test('abort() breaks it for every waiter and later callers until reset()', async (t) => {
    const barrier = new Barrier(4);
    const ready = new Value('int32', 0);
    const waiting = inWorkers<string>(t, 3, 'barrierBroken', () => ({ barrier, ready }));
    while (barrier.nWaiting < 3) await new Promise((r) => setTimeout(r, 5));
    barrier.abort();
    assert.deepEqual(await waiting, ['ERR_BROKEN_BARRIER', 'ERR_BROKEN_BARRIER', 'ERR_BROKEN_BARRIER']);
    await assert.rejects(barrier.wait(), BrokenBarrierError);
    barrier.reset();
    assert.equal(barrier.broken, false);
    const again = inWorkers<string>(t, 3, 'barrierBroken', () => ({ barrier }));
    await barrier.wait({ timeout: 30_000 });
    assert.deepEqual(await again, ['resolved', 'resolved', 'resolved']);
  });

  test('a timeout breaks it for all waiters; reset() breaks current waiters', async (t) => {
    const barrier = new Barrier(3);
    const other = inWorker<string>(t, 'barrierBroken', { barrier, timeout: 30_000 });
    await assert.rejects(timesOut(barrier.wait({ timeout: 50 }), 50), BrokenBarrierError);
    assert.equal(await other, 'ERR_BROKEN_BARRIER');
    assert.equal(barrier.broken, true);
    barrier.reset();
    const cut = new Barrier(2, { timeout: 30_000 });
    const waiter = inWorker<string>(t, 'barrierBroken', { barrier: new Barrier(1) });
    assert.equal(await waiter, 'resolved');
    const pending = cut.wait();
    cut.reset();
    await assert.rejects(pending, BrokenBarrierError);
  });
});

describe('Value and SharedArray', { timeout: HANGS }, () => {
  test('writes are visible across 4 workers', async (t) => {
    const value = new Value('int32', 0);
    const array = new SharedArray('float64', WORKERS);
    const lengths = await inWorkers(t, WORKERS, 'shared', () => ({ value, array }));
    assert.deepEqual(lengths, [4, 4, 4, 4]);
    assert.equal(value.value, 1 + 2 + 3 + 4);
    assert.deepEqual([...array.array], [0, 1.5, 3, 4.5]);
  });

  test('types, initial values, bigint, lock options and bad arguments', () => {
    const v = new Value('bigint64', 5n);
    assert.equal(v.add(2n), 7n);
    assert.equal(new Value('uint8', 255).add(1), 0);
    assert.equal(new Value('float32', 1.5).value, 1.5);
    assert.throws(() => new Value('float64', 1).add(1), InvalidArgumentError);
    const a = new SharedArray('int16', [1, 2, 3]);
    assert.ok(a.array instanceof Int16Array);
    assert.ok(a.array.buffer instanceof SharedArrayBuffer);
    assert.deepEqual([...a], [1, 2, 3]);
    assert.equal(a.length, 3);
    const lock = new Lock();
    assert.equal(new SharedArray('int32', 2, { lock }).lock.locked(), false);
    assert.throws(() => new Value('int32', 0, { lock: false }).lock, InvalidArgumentError);
    assert.throws(() => new Value('int99' as 'int32', 0), InvalidArgumentError);
    assert.throws(() => new SharedArray('int32', -1), ArgumentRangeError);
  });
});

describe('share and revive', { timeout: HANGS }, () => {
  test('primitives survive structuredClone and nest inside arrays and plain objects', () => {
    const lock = new Lock();
    const v = new Value('int32', 1);
    const original = { a: [lock, { v }], n: 3, typed: new Float64Array(2) };
    const shared = share(original);
    assert.notEqual(shared, original);
    assert.equal(original.a[0], lock);
    assert.equal(Object.getPrototypeOf(shared.a[0]), Object.prototype);
    const back = revive<typeof original>(structuredClone(shared));
    assert.ok(back.a[0] instanceof Lock);
    const bv = (back.a[1] as { v: Value<'int32'> }).v;
    assert.ok(bv instanceof Value);
    bv.value = 9;
    assert.equal(v.value, 9);
    const direct = revive<Lock>(structuredClone(lock));
    assert.ok(direct instanceof Lock);
    direct.acquireSync();
    assert.equal(lock.locked(), true);
    const plain = { x: [1, 2], y: 'z' };
    assert.equal(share(plain), plain);
    assert.deepEqual(revive({ __ranks__: { type: 'Nope' } }), { __ranks__: { type: 'Nope' } });
  });
});
