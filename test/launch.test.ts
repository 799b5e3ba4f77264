import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { launch, RankFailedError, DeadlockError, TimeoutError } from 'ranks';
import { cli, fixture, runFixture, HANGS } from './helpers.ts';

describe('launching jobs', { timeout: HANGS }, () => {
  test('a rank that throws stops the job; the error names the rank and keeps the cause', async () => {
    const started = Date.now();
    await assert.rejects(runFixture('throws.ts', 4), (e: unknown) => {
      assert.ok(e instanceof RankFailedError);
      assert.equal(e.code, 'ERR_RANK_FAILED');
      assert.equal(e.rank, 1);
      assert.match(e.message, /Rank 1 failed: Error: boom from rank one/);
      assert.match(String((e.cause as Error).stack), /throws\.ts/);
      return true;
    });
    // The other ranks were blocked in recv and were stopped, not waited for.
    assert.ok(Date.now() - started < 20_000);
  });

  test('a rank that exits non-zero stops the job with its exit code', async () => {
    await assert.rejects(runFixture('exit-code.ts', 2), (e: unknown) => e instanceof RankFailedError && e.rank === 0 && e.exitCode === 3);
  });

  test('a deadlock is reported with who waits for whom', async () => {
    await assert.rejects(runFixture('deadlock.ts', 2), (e: unknown) => {
      assert.ok(e instanceof DeadlockError);
      assert.equal(e.code, 'ERR_DEADLOCK');
      assert.deepEqual(
        e.waits.map((w) => [w.rank, w.op, w.peer, w.tag]),
        [
          [0, 'recv', 1, 7],
          [1, 'recv', 0, 7],
        ],
      );
      return true;
    });
  });

  test('a rank waiting on a slow peer that sleeps on a timer is not a deadlock', async () => {
    assert.deepEqual((await runFixture('not-deadlock.ts', 2)).exitCodes, [0, 0]);
  });

  test('a rank that slept, cancelled and then finished synchronously exits (no hang, no false deadlock)', async () => {
    assert.deepEqual((await launch({ size: 2, script: fixture('idle-exit.ts'), timeout: 20_000 })).exitCodes, [0, 0]);
  });

  test('timeout stops a job that never ends', async () => {
    await assert.rejects(launch({ size: 2, script: fixture('deadlock.ts'), timeout: 50, deadlockCheckMs: 60_000 }), TimeoutError);
  });

  test('bad sizes and missing scripts are rejected up front', () => {
    assert.throws(() => launch({ size: 0, script: fixture('hello.ts') }), RangeError);
    assert.throws(() => launch({ size: 2, script: fixture('missing.ts') }), { code: 'ERR_INVALID_ARG' });
  });

  test('a plain .mjs script runs and sees its arguments', async () => {
    assert.deepEqual((await runFixture('plain.mjs', 3, ['a', 'b'])).exitCodes, [0, 0, 0]);
  });
});

describe('the ranks command', { timeout: HANGS }, () => {
  test('ranks run -n 4 --tag-output runs a .ts script and prefixes each line', async () => {
    const r = await cli(['run', '-n', '4', '--tag-output', fixture('hello.ts').pathname]);
    assert.equal(r.code, 0, r.stderr);
    for (let k = 0; k < 4; k++) {
      assert.ok(
        r.stdout.includes(`[${k}] hello from ${k} of 4 (${k * 2})\n[${k}] second line\n`) ||
          (r.stdout.includes(`[${k}] hello from ${k} of 4 (${k * 2})`) && r.stdout.includes(`[${k}] second line`)),
        r.stdout,
      );
    }
  });

  test('a failing rank: non-zero exit, the rank, its error and stack on stderr', async () => {
    const r = await cli(['run', '-n', '2', fixture('throws.ts').pathname]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Rank 1 failed: Error: boom from rank one/);
    assert.match(r.stderr, /at .*throws\.ts/);
  });

  test('a deadlock: the report on stderr and a non-zero exit', async () => {
    const r = await cli(['run', '-n', '2', fixture('deadlock.ts').pathname]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ERR_DEADLOCK/);
    assert.match(r.stderr, /rank 0 waits in recv\(source=1, tag=7\)/);
    assert.match(r.stderr, /rank 1 waits in recv\(source=0, tag=7\)/);
  });

  test('--timeout ends a job with exit 124; a script arg passes through', async () => {
    const r = await cli(['run', '-n', '2', '--timeout', '0.2', fixture('exit-code.ts').pathname.replace('exit-code', 'not-deadlock')]);
    assert.equal(r.code, 124, r.stderr);
    const js = await cli(['run', '-n', '2', fixture('plain.mjs').pathname, 'x', '--y']);
    assert.equal(js.code, 0, js.stderr);
    assert.match(js.stdout, /js rank 1\/2 args=x,--y got 0/);
  });

  test('ranks info and usage errors', async () => {
    const i = await cli(['info']);
    assert.equal(i.code, 0);
    assert.match(i.stdout, /cores: \d+/);
    assert.match(i.stdout, /threads\s+usable/);
    const bad = await cli(['run', '-n', 'zero', 'x.ts']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Expected -n to be an integer >= 1/);
  });
});
