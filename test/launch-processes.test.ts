import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { DeadlockError, RankFailedError, TimeoutError, launch } from 'ranks';
import { cli, fixture, runFixture, HANGS } from './helpers.ts';

// The launcher's contract with `transport: 'processes'`: the same failures as threads
// (see launch.test.ts), plus what only processes have (a rank killed by a signal).
const bin = new URL('../bin/ranks.js', import.meta.url).pathname;
const run = (name: string, size: number, args: string[] = []): ReturnType<typeof runFixture> => runFixture(name, size, args, 'processes');

describe('launching jobs of processes', { timeout: HANGS }, () => {
  test('every rank is its own process and runs the script with its arguments', async () => {
    assert.deepEqual((await run('plain.mjs', 3, ['a', 'b'])).exitCodes, [0, 0, 0]);
  });

  test('a rank that throws stops the job; the error names the rank and keeps the cause with its stack', async () => {
    await assert.rejects(run('throws.ts', 3), (e: unknown) => {
      assert.ok(e instanceof RankFailedError);
      assert.equal(e.code, 'ERR_RANK_FAILED');
      assert.equal(e.rank, 1);
      assert.match(e.message, /Rank 1 failed: Error: boom from rank one/);
      assert.match(String((e.cause as Error).stack), /throws\.ts/);
      return true;
    });
  });

  test('a rank that exits non-zero stops the job with its exit code', async () => {
    await assert.rejects(run('exit-code.ts', 2), (e: unknown) => e instanceof RankFailedError && e.rank === 0 && e.exitCode === 3 && e.signal === undefined);
  });

  test('a rank killed by SIGKILL is a failed rank, with the signal', async () => {
    await assert.rejects(run('killed.ts', 3), (e: unknown) => {
      assert.ok(e instanceof RankFailedError);
      assert.equal(e.code, 'ERR_RANK_FAILED');
      assert.equal(e.rank, 1);
      assert.equal(e.signal, 'SIGKILL');
      assert.equal(e.exitCode, 137);
      assert.match(e.message, /Rank 1 was killed by SIGKILL/);
      return true;
    });
  });

  test('comm.abort(code) ends the job with that code', async () => {
    await assert.rejects(
      run('aborts.ts', 2),
      (e: unknown) => e instanceof RankFailedError && e.rank === 1 && e.exitCode === 5 && /aborted the job with code 5: rank one gives up/.test(e.message),
    );
  });

  test('a hung job is stopped by its timeout, which says what each rank waits for', async () => {
    await assert.rejects(
      launch({ size: 2, script: fixture('deadlock.ts'), transport: 'processes', timeout: 15_000, deadlockCheckMs: 600_000 }),
      (e: unknown) => {
        assert.ok(e instanceof TimeoutError);
        assert.match(e.message, /rank 0 waits in recv\(source=1, tag=7\)/);
        assert.match(e.message, /rank 1 waits in recv\(source=0, tag=7\)/);
        return true;
      },
    );
  });

  test('a deadlock is reported with who waits for whom, as with threads', async () => {
    await assert.rejects(run('deadlock.ts', 2), (e: unknown) => {
      assert.ok(e instanceof DeadlockError, String(e));
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

  test('an unknown transport is refused up front', () => {
    assert.throws(() => launch({ size: 2, script: fixture('hello.ts'), transport: 'carrier-pigeon' as never }), { code: 'ERR_INVALID_ARG' });
  });
});

describe('ranks run --transport processes', { timeout: HANGS }, () => {
  test('--tag-output prefixes each rank line; rank 0 reads standard input', async () => {
    const r = await cli(['run', '-n', '3', '--transport', 'processes', '--tag-output', fixture('stdin-echo.ts').pathname], 60_000, 'some input\n');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\[0\] rank 0 read "some input" \(pid same as rank 0\)/);
    assert.match(r.stdout, /\[1\] rank 1 read "" \(pid its own\)/);
    assert.match(r.stdout, /\[2\] rank 2 read "" \(pid its own\)/);
  });

  test('a failing rank: its error and stack on stderr, exit 1; a killed one: exit 137', async () => {
    const r = await cli(['run', '-n', '2', '--transport', 'processes', fixture('throws.ts').pathname]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Rank 1 failed: Error: boom from rank one/);
    assert.match(r.stderr, /at .*throws\.ts/);
    const k = await cli(['run', '-n', '2', '--transport=processes', fixture('killed.ts').pathname]);
    assert.equal(k.code, 137, k.stderr);
    assert.match(k.stderr, /Rank 1 was killed by SIGKILL/);
  });

  test('--timeout ends a hung job with exit 124 and the report', async () => {
    const r = await cli(['run', '-n', '2', '--transport', 'processes', '--timeout', '15', fixture('hangs.ts').pathname]);
    assert.equal(r.code, 124, r.stderr);
    assert.match(r.stderr, /ERR_TIMEOUT/);
    assert.match(r.stderr, /rank 0 waits in recv\(source=1, tag=7\)/);
  });

  test('a deadlock: the report on stderr and a non-zero exit', async () => {
    const r = await cli(['run', '-n', '2', '--transport', 'processes', fixture('deadlock.ts').pathname]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /ERR_DEADLOCK/);
    assert.match(r.stderr, /rank 0 waits in recv\(source=1, tag=7\)/);
    assert.match(r.stderr, /rank 1 waits in recv\(source=0, tag=7\)/);
  });

  test('a deadlock is reported when the ranks write to a terminal (their stdout and stderr are no activity of theirs)', async (t) => {
    // util-linux `script` runs the command on a pseudo-terminal.
    if (spawnSync('script', ['--version']).status !== 0) return t.skip('no `script` command here to make a pseudo-terminal');
    const command = `${process.execPath} ${bin} run -n 2 --transport processes ${fixture('print-deadlock.ts').pathname}`;
    const r = await new Promise<string>((resolve) => {
      const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', () => resolve(out));
    });
    assert.match(r, /rank 0 about to wait/);
    assert.match(r, /ERR_DEADLOCK/);
    assert.match(r, /rank 1 waits in recv\(source=0, tag=7\)/);
  });

  test('ranks info lists the processes transport as usable', async () => {
    const i = await cli(['info']);
    assert.match(i.stdout, /processes\s+usable/);
  });
});
