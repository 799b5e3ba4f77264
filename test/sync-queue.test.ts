import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  Queue,
  JoinableQueue,
  SimpleQueue,
  Pipe,
  Value,
  Empty,
  Full,
  EOFError,
  ClosedError,
  OverReleaseError,
  TimeoutError,
  AbortError,
  DataCloneError,
  InvalidArgumentError,
  ArgumentRangeError,
  wtime,
} from 'ranks';
import { inWorker, inWorkers } from './sync-helpers.ts';
import { HANGS } from './helpers.ts';

// The clock starts before the call, which sets its own deadline.
async function timedOut(call: () => Promise<unknown>, timeout: number, err: new (...a: never[]) => Error): Promise<void> {
  const t0 = wtime();
  await assert.rejects(call(), err);
  const ms = (wtime() - t0) * 1000;
  assert.ok(ms >= timeout - 2 && ms < timeout + 10_000, `rejected after ${ms} ms for a ${timeout} ms timeout`);
}

// Every producer's items arrive exactly once, and in the order that producer put them.
function checkFifo(got: [number, number][][], producers: number, count: number): void {
  const all = got.flat();
  assert.equal(all.length, producers * count);
  for (let p = 0; p < producers; p++) {
    const mine = got.map((list) => list.filter(([id]) => id === p).map(([, i]) => i));
    for (const seq of mine) for (let k = 1; k < seq.length; k++) assert.ok(seq[k]! > seq[k - 1]!, `producer ${p} overtaken`);
    assert.deepEqual(
      mine.flat().sort((a, b) => a - b),
      Array.from({ length: count }, (_, i) => i),
    );
  }
}

describe('Queue', { timeout: HANGS }, () => {
  test('FIFO from 2 producer workers to 2 consumer workers, ended by poison pills', async (t) => {
    const q = new Queue({ maxsize: 16, bytes: 4096 });
    const consumers = inWorkers<[number, number][]>(t, 2, 'consumer', () => ({ q }));
    await inWorkers(t, 2, 'producer', () => ({ q, count: 500 }));
    checkFifo(await consumers, 2, 500);
    assert.equal(q.qsize(), 0);
  });

  test('one producer, one consumer keep the exact order', async (t) => {
    const q = new Queue({ bytes: 256 });
    const [got] = await Promise.all([inWorker<[number, number][]>(t, 'consumer', { q }), inWorker(t, 'producer', { id: 0, q, count: 2000 })]);
    assert.deepEqual(
      got,
      Array.from({ length: 2000 }, (_, i) => [0, i]),
    );
  });

  test('get times out with Empty; a bounded put with block: false throws Full', async () => {
    const q = new Queue<number>(2);
    await timedOut(() => q.get({ timeout: 50 }), 50, Empty);
    assert.throws(() => q.getNowait(), Empty);
    await assert.rejects(q.get({ block: false }), (e: unknown) => e instanceof Empty && e.code === 'ERR_QUEUE_EMPTY');
    await q.put(1);
    q.putNowait(2);
    assert.equal(q.full(), true);
    assert.throws(
      () => q.putNowait(3),
      (e: unknown) => e instanceof Full && e.code === 'ERR_QUEUE_FULL',
    );
    await assert.rejects(q.put(3, { block: false }), Full);
    await timedOut(() => q.put(3, { timeout: 40 }), 40, Full);
    assert.equal(q.qsize(), 2);
    assert.equal(await q.get(), 1);
    assert.equal(q.getNowait(), 2);
    assert.equal(q.empty(), true);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(q.get({ signal: ac.signal }), AbortError);
    await q.put(5);
    assert.equal(q.getSync({ timeout: 1000 }), 5);
  });

  test('a put waiting for room wakes when a worker takes an item', async (t) => {
    const q = new Queue<[number, number] | null>(1);
    await q.put([9, 9]);
    const consumer = inWorker<[number, number][]>(t, 'consumer', { q });
    await q.put(null, { timeout: 30_000 });
    assert.deepEqual(await consumer, [[9, 9]]);
  });

  test('values keep their types; typed arrays larger than the ring stream through it', async (t) => {
    const q = new Queue<unknown>({ bytes: 1024 });
    const value = { m: new Map([[1, 'a']]), s: new Set([2n]), d: new Date(5), nested: [new Int16Array([1, -1])], n: 1.5 };
    await q.put(value);
    await q.put(3.25);
    await q.put(new Uint8Array([1, 2, 3]));
    assert.deepEqual(await q.get(), value);
    assert.equal(await q.get(), 3.25);
    assert.deepEqual(await q.get(), new Uint8Array([1, 2, 3]));
    const sizes = [10, 5000, 100, 20_000];
    const producing = inWorker(t, 'bigItems', { q, sizes });
    for (const n of sizes) {
      const a = (await q.get({ timeout: 30_000 })) as Float64Array;
      assert.ok(a instanceof Float64Array);
      assert.equal(a.length, n);
      assert.ok(a.every((v, i) => v === i + n));
    }
    await producing;
    await assert.rejects(
      q.put(() => 1),
      DataCloneError,
    );
    assert.equal(q.qsize(), 0);
  });

  test('close() makes this handle unusable; bad options are rejected', async () => {
    const q = new Queue();
    q.close();
    await assert.rejects(q.put(1), ClosedError);
    assert.throws(() => q.getNowait(), ClosedError);
    assert.throws(() => new Queue({ maxsize: -1 }), ArgumentRangeError);
    assert.throws(() => new Queue({ bytes: 8 }), ArgumentRangeError);
    assert.throws(() => new Queue({ maxsize: '1' as never }), InvalidArgumentError);
    await assert.rejects(new Queue().get({ timeout: -5 }), RangeError);
  });
});

describe('JoinableQueue and SimpleQueue', { timeout: HANGS }, () => {
  test('join resolves once every item put was marked done by 3 workers', async (t) => {
    const q = new JoinableQueue<number | null>();
    const done = new Value('int32', 0);
    const workers = inWorkers(t, 3, 'joinableConsumer', () => ({ q, done }));
    for (let i = 0; i < 60; i++) await q.put(i);
    await q.join({ timeout: 60_000 });
    assert.equal(done.value, 60);
    assert.equal(q.unfinished(), 0);
    for (let i = 0; i < 3; i++) await q.put(null);
    await workers;
    await q.join({ timeout: 30_000 });
    await q.put(1);
    await timedOut(() => q.join({ timeout: 30 }), 30, TimeoutError);
    await q.get();
    q.taskDone();
    assert.throws(() => q.taskDone(), OverReleaseError);
  });

  test('a SimpleQueue carries items between workers', async (t) => {
    const q = new SimpleQueue<[number, number] | null>({ bytes: 512 });
    const consumers = inWorkers<[number, number][]>(t, 2, 'consumer', () => ({ q }));
    await inWorker(t, 'producer', { id: 0, q, count: 300, pills: 2 });
    checkFifo(await consumers, 1, 300);
    assert.equal(q.empty(), true);
    await timedOut(() => q.get({ timeout: 30 }), 30, Empty);
  });
});

describe('Pipe', { timeout: HANGS }, () => {
  test('duplex both ways with a worker; EOFError after the worker closes its end', async (t) => {
    const [mine, theirs] = Pipe({ bytes: 1024 });
    const worker = inWorker<number>(t, 'pipeEcho', { conn: theirs });
    await mine.send('a');
    assert.deepEqual(await mine.recv({ timeout: 30_000 }), { echo: 'a' });
    const big = new Float64Array(1000).map((_, i) => i);
    await mine.send(big);
    assert.deepEqual(
      await mine.recv({ timeout: 30_000 }),
      big.map((v) => v * 2),
    );
    assert.equal(await mine.poll(0), false);
    await mine.send([1, 2]);
    assert.equal(await mine.poll(30_000), true);
    assert.deepEqual(await mine.recv(), { echo: [1, 2] });
    mine.close();
    assert.equal(await worker, 3);
    await assert.rejects(mine.recv(), ClosedError);
    assert.equal(theirs.closed, true);
  });

  test('values sent before a close are received, then EOFError', async (t) => {
    const [rx, tx] = Pipe<number>({ duplex: false });
    assert.equal(rx.writable, false);
    assert.equal(tx.readable, false);
    await inWorker(t, 'pipeSend', { conn: tx, values: [1, 2, 3] });
    assert.equal(await rx.poll(), true);
    assert.deepEqual([await rx.recv(), await rx.recv(), await rx.recv()], [1, 2, 3]);
    assert.equal(await rx.poll(), true, 'poll is true at EOF: recv would not wait');
    await assert.rejects(rx.recv(), (e: unknown) => e instanceof EOFError && e.code === 'ERR_EOF');
    await assert.rejects(rx.send(1), InvalidArgumentError);
  });

  test('poll and recv time out; sending to a closed end throws ClosedError', async () => {
    const [a, b] = Pipe();
    const t0 = wtime();
    assert.equal(await a.poll(40), false);
    assert.ok((wtime() - t0) * 1000 >= 38);
    await timedOut(() => a.recv({ timeout: 40 }), 40, TimeoutError);
    b.close();
    await assert.rejects(a.send(1), ClosedError);
    {
      using c = Pipe()[0];
      assert.equal(c.closed, false);
    }
  });
});
