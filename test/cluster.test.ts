import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Cluster, tasks, type EngineResult } from 'ranks';
import type * as math from './fixtures/math-tasks.ts';
import { HANGS, tsx } from './helpers.ts';

const mathTasks = tasks<typeof math>(new URL('./fixtures/math-tasks.ts', import.meta.url));
const TRANSPORTS = ['threads', 'processes'] as const;

const values = (rs: EngineResult[]): unknown[] => rs.map((r) => (r.ok ? r.value : r.error));
const codes = (rs: EngineResult[]): unknown[] => rs.map((r) => r.error?.code);

/** Resolves once every engine of `targets` has written `mark` in the input that `run` starts: it is running then. */
function whenAllWrote(mark: string, count: number): { onOutput: (engine: number, c: { text: string }) => void; wrote: Promise<void> } {
  const seen = new Set<number>();
  let done!: () => void;
  const wrote = new Promise<void>((resolve) => (done = resolve));
  return {
    onOutput: (engine, c) => {
      if (c.text.includes(mark)) seen.add(engine);
      if (seen.size === count) done();
    },
    wrote,
  };
}

for (const transport of TRANSPORTS) {
  describe(`Cluster over ${transport}`, { timeout: HANGS }, () => {
    let cluster: Cluster;
    before(async () => {
      cluster = await Cluster.start({ n: 3, transport });
    });
    after(() => cluster.stop());

    test('state persists between inputs: declarations, functions, classes, redeclaration', { timeout: HANGS }, async () => {
      const v = cluster.view();
      assert.deepEqual(values(await v.execute('const x = rank * 10; x + 1')), [1, 11, 21]);
      assert.deepEqual(values(await v.execute('x + size')), [3, 13, 23]);
      // A later input may declare the same name again (as node's REPL allows).
      assert.deepEqual(values(await v.execute('const x = -rank; let { y, z: [w] } = { y: 2, z: [3] }; x * y + w')), [3, 1, -1]);
      assert.deepEqual(values(await v.execute('twice(rank); function twice(k) { return 2 * k; }')), [undefined, undefined, undefined]);
      assert.deepEqual(values(await v.execute('twice(x)')), [-0, -2, -4]);
      assert.deepEqual(values(await v.execute('class P { constructor(n) { this.n = n; } }; new P(rank).n')), [0, 1, 2]);
      assert.deepEqual(values(await v.execute('new P(7).n + (await Promise.resolve(rank))')), [7, 8, 9]);
    });

    test('the engines talk to each other: comm is their world, world() is the same', { timeout: HANGS }, async () => {
      const rs = await cluster.view().execute('const s = await comm.allreduce(rank + 1, ranks.SUM); [s, comm.size, ranks.world().size]');
      assert.deepEqual(values(rs), [
        [6, 3, 3],
        [6, 3, 3],
        [6, 3, 3],
      ]);
      const ring = await cluster
        .view()
        .execute(
          'const req = comm.isend(`from ${rank}`, (rank + 1) % size); const got = await comm.recv({ source: (rank + size - 1) % size }); await req.wait(); got',
        );
      assert.deepEqual(values(ring), ['from 2', 'from 0', 'from 1']);
    });

    test('output is captured per engine and streamed before execute resolves', { timeout: HANGS }, async () => {
      const streamed: string[] = [];
      const rs = await cluster.view([2, 0]).execute('console.log("out", rank); console.error("err", rank); rank', {
        onOutput: (engine, c) => streamed.push(`${engine}:${c.stream}:${c.text}`),
      });
      assert.deepEqual(
        rs.map((r) => [r.engine, r.stdout, r.stderr, r.display]),
        [
          [2, 'out 2\n', 'err 2\n', '2'],
          [0, 'out 0\n', 'err 0\n', '0'],
        ],
      );
      assert.deepEqual(streamed.sort(), ['0:stderr:err 0\n', '0:stdout:out 0\n', '2:stderr:err 2\n', '2:stdout:out 2\n']);
    });

    test('push, pull and scatter, gather round trips', { timeout: HANGS }, async () => {
      const v = cluster.view();
      await v.push({ a: [1, 2, 3], b: new Float64Array([0.5, 1.5]), c: { k: 'v' } });
      assert.deepEqual(await v.pull('a'), [
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 3],
      ]);
      const [ab0] = await v.pull(['a', 'c']);
      assert.deepEqual(ab0, [[1, 2, 3], { k: 'v' }]);
      const bs = await v.pull<Float64Array>('b');
      assert.ok(bs.every((b) => b instanceof Float64Array && b[1] === 1.5));
      // Pushed values are the engines' variables.
      assert.deepEqual(values(await v.execute('a.length + rank')), [3, 4, 5]);

      const data = Array.from({ length: 10 }, (_, i) => i * i);
      await v.scatter('part', data);
      assert.deepEqual(values(await v.execute('part')), [
        [0, 1, 4, 9],
        [16, 25, 36],
        [49, 64, 81],
      ]);
      assert.deepEqual(await v.gather('part'), data);
      const typed = Int32Array.from({ length: 7 }, (_, i) => i - 3);
      await cluster.view([1, 2]).scatter('t', typed);
      assert.deepEqual(values(await cluster.view([1, 2]).execute('Array.from(t)')), [
        [-3, -2, -1, 0],
        [1, 2, 3],
      ]);
      const back = await cluster.view([1, 2]).gather<Int32Array>('t');
      assert.ok(back instanceof Int32Array);
      assert.deepEqual(back, typed);
    });

    test('apply: a self-contained function (in the engine scope) and a task reference', { timeout: HANGS }, async () => {
      const v = cluster.view();
      await v.push({ base: 100 });
      assert.deepEqual(
        await v.apply((k: number) => (globalThis as unknown as { base: number; rank: number }).base + (globalThis as unknown as { rank: number }).rank * k, 2),
        [100, 102, 104],
      );
      assert.deepEqual(await v.apply(mathTasks.add, 2, 3), [5, 5, 5]);
      const err = await v.apply(mathTasks.fail, 'no').then(
        () => undefined,
        (e: unknown) => e as Error & { engine: number },
      );
      assert.equal(err?.message, 'no');
      assert.equal(err?.engine, 0);
    });

    test('loadBalanced().map keeps the items order; apply runs once', { timeout: HANGS }, async () => {
      const items = Array.from({ length: 20 }, (_, i) => i);
      const out = await cluster.loadBalanced().map((i: number) => [i * i, (globalThis as unknown as { rank: number }).rank], items);
      assert.deepEqual(
        out.map(([sq]) => sq),
        items.map((i) => i * i),
      );
      assert.ok(out.every(([, rank]) => rank === 0 || rank === 1 || rank === 2));
      assert.deepEqual(await cluster.loadBalanced([1]).map(mathTasks.square, [3, 4]), [9, 16]);
      assert.equal(await cluster.loadBalanced().apply((a: number, b: number) => a * b, 6, 7), 42);
      await assert.rejects(cluster.loadBalanced().map(mathTasks.fail, ['x']), { message: 'x' });
    });

    test('an error on one engine is reported for it alone, and the next input works', { timeout: HANGS }, async () => {
      const rs = await cluster.view().execute('if (rank === 1) throw Object.assign(new RangeError("bad " + rank), { code: "E_MINE" }); rank');
      assert.deepEqual(
        rs.map((r) => [r.ok, r.error?.name, r.error?.message, r.error?.code, r.error?.engine]),
        [
          [true, undefined, undefined, undefined, undefined],
          [false, 'RangeError', 'bad 1', 'E_MINE', 1],
          [true, undefined, undefined, undefined, undefined],
        ],
      );
      const syntax = await cluster.view(0).execute('let = ;');
      assert.equal(syntax[0]!.error?.name, 'SyntaxError');
      const missing = await cluster.view(0).execute('nowhere + 1');
      assert.equal(missing[0]!.error?.name, 'ReferenceError');
      assert.deepEqual(values(await cluster.view().execute('rank')), [0, 1, 2]);
    });

    test('a deadlocking input is reported on every engine in it, and the next input works', { timeout: HANGS }, async () => {
      const all = await cluster.view().execute('await comm.recv({ source: (rank + 1) % size, tag: 9 })');
      assert.deepEqual(codes(all), ['ERR_DEADLOCK', 'ERR_DEADLOCK', 'ERR_DEADLOCK']);
      assert.match(all[0]!.error!.message, /Deadlock/);
      // Engines 0 and 1 wait on each other while engine 2 is idle: still a deadlock.
      const some = await cluster.view([0, 1]).execute('await comm.recv({ source: 1 - rank, tag: 9 })');
      assert.deepEqual(codes(some), ['ERR_DEADLOCK', 'ERR_DEADLOCK']);
      const next = await cluster.view().execute('await comm.allreduce(1, ranks.SUM)');
      assert.deepEqual(values(next), [3, 3, 3]);
    });

    test('interrupt stops inputs that wait forever (a promise, a recv from an idle engine) and keeps the state', { timeout: HANGS }, async () => {
      const v = cluster.view();
      await v.execute('var kept = rank + 1000');
      const started = whenAllWrote('waiting', 3);
      const running = v.execute('console.log("waiting"); rank === 2 ? await new Promise(() => {}) : await comm.recv({ source: 2, tag: 5 })', started);
      await started.wrote;
      const busy = cluster.engines();
      assert.deepEqual(
        busy.map((e) => [e.busy, e.running]),
        [0, 1, 2].map(() => [true, 'execute: console.log("waiting"); rank === 2 ? await new Promise(() => {}) : await comm.recv({ source: 2, tag: 5 })']),
      );
      const r = await cluster.interrupt();
      assert.deepEqual(r, { interrupted: [0, 1, 2], stuck: [] });
      assert.deepEqual(codes(await running), ['ERR_CANCELLED', 'ERR_CANCELLED', 'ERR_CANCELLED']);
      assert.ok(cluster.engines().every((e) => !e.busy));
      // The withdrawn receive takes nothing that comes later.
      const after_ = await v.execute(
        'rank === 2 ? (await Promise.all([comm.send("late", 0, { tag: 5 }), comm.send("late", 1, { tag: 5 })]), kept) : [kept, await comm.recv({ source: 2, tag: 5 })]',
      );
      assert.deepEqual(values(after_), [[1000, 'late'], [1001, 'late'], 1002]);
    });

    test('interrupt breaks a synchronous loop at the top of an input', { timeout: HANGS }, async () => {
      const started = whenAllWrote('spinning', 3);
      const running = cluster.view().execute('console.log("spinning"); while (true) {}', started);
      await started.wrote;
      assert.deepEqual(await cluster.interrupt(), { interrupted: [0, 1, 2], stuck: [] });
      assert.deepEqual(codes(await running), ['ERR_CANCELLED', 'ERR_CANCELLED', 'ERR_CANCELLED']);
      assert.deepEqual(values(await cluster.view().execute('kept')), [1000, 1001, 1002]);
    });

    test('an input interrupted before it started never runs: the engines take the next one', { timeout: HANGS }, async () => {
      // The stop reaches each engine with the input or right behind it, before the input's code starts.
      const running = cluster.view().execute('while (true) {}');
      assert.deepEqual(await cluster.interrupt(), { interrupted: [0, 1, 2], stuck: [] });
      assert.deepEqual(codes(await running), ['ERR_CANCELLED', 'ERR_CANCELLED', 'ERR_CANCELLED']);
      assert.deepEqual(values(await cluster.view().execute('kept + 1')), [1001, 1002, 1003]);
    });

    test('bad input gets coded errors', { timeout: HANGS }, async () => {
      assert.throws(() => cluster.view([0, 3]), { code: 'ERR_OUT_OF_RANGE' });
      assert.throws(() => cluster.view(-1), { code: 'ERR_OUT_OF_RANGE' });
      assert.throws(() => cluster.view([1, 1]), { code: 'ERR_INVALID_ARG' });
      assert.throws(() => cluster.view([]), { code: 'ERR_INVALID_ARG' });
      const v = cluster.view();
      await assert.rejects(v.pull('neverSet'), { code: 'ERR_INVALID_ARG', message: /No variable `neverSet` on engine 0/ });
      await assert.rejects(v.pull('not a name'), { code: 'ERR_INVALID_ARG' });
      await assert.rejects(v.push({ 'a-b': 1 }), { code: 'ERR_INVALID_ARG' });
      await assert.rejects(v.push({ comm: 1 }), { code: 'ERR_INVALID_ARG' });
      await assert.rejects(v.scatter('x', 5 as unknown as number[]), { code: 'ERR_INVALID_ARG' });
      await assert.rejects(v.execute(5 as unknown as string), { code: 'ERR_INVALID_ARG' });
      await assert.rejects(v.apply(Math.max), { code: 'ERR_INVALID_ARG' });
      await assert.rejects(cluster.interrupt({ graceMs: -1 }), { code: 'ERR_OUT_OF_RANGE' });
    });
  });
}

describe('Cluster lifecycle', { timeout: HANGS }, () => {
  test('start options are checked', { timeout: HANGS }, async () => {
    await assert.rejects(Cluster.start({ n: 0 }), { code: 'ERR_OUT_OF_RANGE', message: 'Expected `n` to be an integer >= 1, got 0 (number)' });
    await assert.rejects(Cluster.start({ transport: 'mpi' as 'threads' }), { code: 'ERR_INVALID_ARG' });
    await assert.rejects(Cluster.start({ deadlockCheckMs: 0 }), { code: 'ERR_OUT_OF_RANGE' });
  });

  for (const transport of TRANSPORTS) {
    test(`${transport}: an engine that exits is reported, the others go on; a stopped cluster refuses work`, { timeout: HANGS }, async () => {
      const cluster = await Cluster.start({ n: 2, transport });
      try {
        const rs = await cluster.view().execute('if (rank === 1) process.exit(3); rank');
        assert.equal(rs[0]!.value, 0);
        assert.equal(rs[1]!.error?.code, 'ERR_RANK_FAILED');
        assert.match(rs[1]!.error!.message, /Engine 1 has ended \(exited with code 3\)/);
        assert.deepEqual(
          cluster.engines().map((e) => e.alive),
          [true, false],
        );
        assert.deepEqual(codes(await cluster.view().execute('rank')), [undefined, 'ERR_RANK_FAILED']);
      } finally {
        await cluster.stop();
      }
      assert.equal(cluster.stopped, true);
      await assert.rejects(cluster.view().execute('1'), { code: 'ERR_INVALID_STATE' });
    });

    test(`${transport}: a synchronous loop after an await cannot be broken: reported stuck, and stop() still ends it`, { timeout: HANGS }, async () => {
      const cluster = await Cluster.start({ n: 1, transport, stopGraceMs: 100 });
      const started = whenAllWrote('spinning', 1);
      const running = cluster.view().execute('await null; console.log("spinning"); while (true) {}', started);
      await started.wrote;
      assert.deepEqual(await cluster.interrupt({ graceMs: 300 }), { interrupted: [], stuck: [0] });
      assert.equal(cluster.engines()[0]!.busy, true);
      await cluster.stop();
      assert.equal((await running)[0]!.error?.code, 'ERR_RANK_FAILED');
    });

    test(`${transport}: a script that stops its cluster exits by itself; await using stops it`, { timeout: HANGS }, async () => {
      const r = await tsx(new URL('./fixtures/cluster-exits.ts', import.meta.url), [transport]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /sum 6, stopped true/);
    });
  }
});
