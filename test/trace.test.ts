// The trace (`launch({ trace })`, `ranks run --trace`, RANKS_TRACE under mpiexec, a pool's
// `trace`): its structure on every transport (a lane per rank, nested spans, a flow from
// every send to the receive that took it, named collectives), and the traces of a
// deadlocked job and of a failed one, which are written too and say where each rank stopped.
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { launch, Pool } from 'ranks';
import { fixture, HANGS } from './helpers.ts';
import { joinTest, mpiexec, mpiFlavors, type MpiFlavor } from './mpi-helpers.ts';
import { checkStructure, checkTraffic, readTrace, scratch, spans } from './trace-helpers.ts';

const dir = scratch();
after(() => rmSync(dir, { recursive: true, force: true }));
const bin = new URL('../bin/ranks.js', import.meta.url).pathname;

for (const transport of ['threads', 'processes'] as const) {
  describe(`trace over ${transport}`, { timeout: HANGS }, () => {
    test('a job with known traffic: lanes, nested spans, a flow per send, named collectives', async () => {
      const file = join(dir, `traffic-${transport}.json`);
      await launch({ size: 3, script: fixture('trace/traffic.ts'), transport, trace: file, timeout: HANGS });
      checkTraffic(readTrace(file), 3, transport);
      assert.ok(!existsSync(`${file}.parts`), 'the folder of parts is gone');
    });

    test("a deadlocked job's trace shows every rank's blocked receive, unfinished", async () => {
      const file = join(dir, `deadlock-${transport}.json`);
      await assert.rejects(launch({ size: 3, script: fixture('trace/deadlock.ts'), transport, trace: file, timeout: HANGS }), { code: 'ERR_DEADLOCK' });
      const t = readTrace(file);
      checkStructure(t, 3);
      assert.equal(t.otherData.status, 'failed');
      assert.match(t.otherData.error!, /^DeadlockError/);
      for (let r = 0; r < 3; r++) {
        const blocked = spans(t, 'p2p').filter((e) => e.pid === r && e.args!.unfinished === true);
        assert.equal(blocked.length, 1, `rank ${r} has one unfinished span`);
        assert.deepEqual([blocked[0]!.name, blocked[0]!.args!.tag, blocked[0]!.args!.peer], ['recv', 99, (r + 2) % 3]);
        const end = t.traceEvents.find((e) => e.ph === 'i' && e.pid === r && e.name === 'end')!;
        assert.match(String(end.args!.reason), /^stopped by the launcher: DeadlockError/);
        assert.ok(end.ts! >= blocked[0]!.ts! + blocked[0]!.dur! - 1e-6, 'the blocked receive ends where the rank stopped');
      }
      assert.ok(
        t.traceEvents.some((e) => e.ph === 'i' && e.s === 'g' && e.name === 'job failed'),
        'a global instant marks the failure',
      );
    });

    test("a failed rank's trace is written: its error, and the others' unfinished receives", async () => {
      const file = join(dir, `fails-${transport}.json`);
      await assert.rejects(launch({ size: 3, script: fixture('trace/fails.ts'), transport, trace: file, timeout: HANGS }), { code: 'ERR_RANK_FAILED' });
      const t = readTrace(file);
      assert.equal(t.otherData.status, 'failed');
      const lane = (r: number): { reason: string } | undefined => t.otherData.lanes.find((l) => l.pid === r);
      assert.match(lane(1)!.reason, /^error: RangeError: rank 1 gives up/);
      for (const r of [0, 2]) {
        assert.match(lane(r)!.reason, /^stopped by the launcher: RankFailedError/);
        const open = spans(t, 'p2p').filter((e) => e.pid === r && e.args!.unfinished === true);
        assert.deepEqual(
          open.map((e) => [e.name, e.args!.peer, e.args!.tag]),
          [['recv', 1, 5]],
        );
      }
      assert.equal(spans(t, 'coll').filter((e) => e.name === 'barrier').length, 3);
    });
  });
}

describe('trace of a pool', { timeout: HANGS }, () => {
  test('a bad `trace` is ERR_INVALID_ARG, for pools and launch() alike', () => {
    assert.throws(() => new Pool({ size: 1, trace: '' }), { code: 'ERR_INVALID_ARG', message: 'Expected `trace` to be a file path, got "" (string)' });
    assert.throws(() => launch({ size: 1, script: fixture('hello.ts'), trace: '' }), {
      code: 'ERR_INVALID_ARG',
      message: /^Expected `trace` to be a file path/,
    });
    assert.throws(() => launch({ size: 1, script: fixture('hello.ts'), profile: 'xml' }), {
      code: 'ERR_INVALID_ARG',
      message: /^Expected `profile` to be text, json/,
    });
  });

  for (const isolation of ['thread', 'process'] as const) {
    test(`isolation ${isolation}: a lane for the scheduler and per worker, a span per task, flows both ways`, async () => {
      const file = join(dir, `pool-${isolation}.json`);
      const pool = new Pool({ size: 2, isolation, trace: file });
      const sq = (x: number): number => x * x;
      assert.deepEqual(await pool.map(sq, [1, 2, 3, 4, 5, 6, 7, 8], { chunksize: 2 }), [1, 4, 9, 16, 25, 36, 49, 64]);
      await pool.close();
      const t = readTrace(file);
      checkStructure(t, 3);
      assert.deepEqual(
        t.otherData.lanes.map((l) => l.name),
        ['pool', 'pool worker 1', 'pool worker 2'],
      );
      const tasks = spans(t, 'task');
      assert.equal(tasks.length, 4, 'four chunks of two');
      assert.equal(
        tasks.reduce((n, e) => n + Number(e.args!.items), 0),
        8,
      );
      assert.ok(tasks.every((e) => e.pid >= 1));
      const flows = spans(t, 'p2p').filter((e) => typeof e.args!.flow === 'number');
      assert.ok(flows.some((e) => e.pid === 0 && e.name === 'send') && flows.some((e) => e.pid === 0 && e.name === 'recv'), 'tasks go out, results come back');
    });
  }
});

describe('ranks run --trace', { timeout: HANGS }, () => {
  test('writes the file; a bad --profile value is a usage error', async () => {
    const { cli } = await import('./helpers.ts');
    const file = join(dir, 'cli.json');
    const out = await cli(['run', '-n', '2', '--trace', file, fixture('trace/traffic.ts').pathname]);
    assert.equal(out.code, 0, out.stderr);
    checkTraffic(readTrace(file), 2, 'threads');
    const bad = await cli(['run', '--profile=xml', fixture('hello.ts').pathname]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Expected `--profile` to be text, json or a path ending in \.json, got "xml"/);
  });
});

for (const { flavor, skip } of mpiFlavors()) {
  describe(`trace under mpiexec (${flavor.name})`, { timeout: HANGS }, () => {
    const why = joinTest(flavor, skip, 'ranks join the job (koffi and the MPI library load)');
    test('`ranks run --trace` and RANKS_TRACE: every rank records, the last to end writes the file', async (t) => {
      if (why()) return t.skip(why());
      const f = flavor as MpiFlavor;
      const file = join(dir, `mpi-${f.name.replace(/\W/g, '')}.json`);
      const out = await mpiexec(f, [...f.ranks(3), process.execPath, bin, 'run', '--trace', file, fixture('trace/traffic.ts').pathname]);
      assert.equal(out.code, 0, out.stderr);
      checkTraffic(readTrace(file), 3, 'mpi');
      const env = join(dir, `mpi-env-${f.name.replace(/\W/g, '')}.json`);
      const viaEnv = await mpiexec(f, [...f.ranks(2), process.execPath, '--import', 'tsx', fixture('trace/traffic.ts').pathname], {
        env: { RANKS_TRACE: env },
      });
      assert.equal(viaEnv.code, 0, viaEnv.stderr);
      checkTraffic(readTrace(env), 2, 'mpi');
    });
  });
}
