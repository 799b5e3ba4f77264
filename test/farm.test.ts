import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AbortError, farm, shellQuote, type FarmInput, type FarmOptions } from 'ranks';
import { HANGS } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'ranks-farm-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Inputs that would run `touch pwned` (or worse) if they ever became shell code. */
const HOSTILE = [
  '$(touch pwned)',
  '`touch pwned`',
  '; touch pwned',
  '&& touch pwned',
  '| touch pwned',
  '> pwned',
  'a\ntouch pwned',
  "it's",
  "' ; touch pwned ; '",
  '"; touch pwned; "',
  '-n',
  '--help',
  '$HOME',
  '*',
  '\\',
  'a  b\tc',
  '',
  '{}',
  '{#}',
  'é ✓ 日本',
];

// The same cases with jobs spawned from pool workers (the default) and from this thread.
for (const spawnFrom of ['workers', 'main'] as const) {
  const run = (template: string, inputs: Iterable<FarmInput> | AsyncIterable<FarmInput>, options?: FarmOptions) =>
    farm(template, inputs, { spawnFrom, cwd: dir, ...options });

  describe(`farm() spawning from ${spawnFrom}`, { timeout: HANGS }, () => {
    test('placeholders: {} {.} {/} {//} {/.} {#}, and the input appended when the template has none', async () => {
      const r = await run("printf '%s|' {} {.} {/} {//} {/.} {#}", ['dir/sub/file.tar.gz', 'plain', '.hidden', 'a.b/c']);
      assert.deepEqual(
        r.jobs.map((j) => j.stdout),
        [
          'dir/sub/file.tar.gz|dir/sub/file.tar|file.tar.gz|dir/sub|file.tar|1|',
          'plain|plain|plain|.|plain|2|',
          '.hidden|.hidden|.hidden|.|.hidden|3|',
          'a.b/c|a.b/c|c|a.b|c|4|',
        ],
      );
      const appended = await run('echo', ['x y', 'z']);
      assert.deepEqual(
        appended.jobs.map((j) => [j.command, j.stdout]),
        [
          ["echo 'x y'", 'x y\n'],
          ["echo 'z'", 'z\n'],
        ],
      );
    });

    test('hostile inputs arrive literally and never run as shell code', async () => {
      const r = await run("printf '[%s]' {}; printf '[%s]' {.} {/} >&2", HOSTILE, { jobs: 3 });
      assert.equal(r.failed, 0, JSON.stringify(r.jobs.filter((j) => !j.ok)));
      assert.deepEqual(
        r.jobs.map((j) => j.stdout),
        HOSTILE.map((x) => `[${x}]`),
      );
      assert.deepEqual(
        r.jobs.map((j) => j.input),
        HOSTILE,
      );
      assert.equal(existsSync(join(dir, 'pwned')), false);
      assert.equal(shellQuote("it's"), "'it'\\''s'");
    });

    test('failures: exit codes, signals, a shell that cannot start; exitCode counts them', async () => {
      const r = await run('echo out {}; echo err {} >&2; exit {}', ['0', '3', '0', '7']);
      assert.deepEqual(
        r.jobs.map((j) => [j.job, j.exitCode, j.ok]),
        [
          [1, 0, true],
          [2, 3, false],
          [3, 0, true],
          [4, 7, false],
        ],
      );
      assert.equal(r.jobs[1]!.stderr, 'err 3\n');
      assert.equal(r.jobs[1]!.stdout, 'out 3\n');
      assert.deepEqual([r.succeeded, r.failed, r.exitCode], [2, 2, 2]);
      const killed = await run('kill -9 $$', ['x']);
      assert.deepEqual([killed.jobs[0]!.signal, killed.jobs[0]!.exitCode, killed.exitCode], ['SIGKILL', null, 1]);
      const noShell = await run('true', ['x'], { shell: join(dir, 'no-such-shell') });
      assert.equal(noShell.failed, 1);
      assert.match(noShell.jobs[0]!.error!, /ENOENT/);
    });

    test('stdout and stderr keep their last `tail` bytes', async () => {
      const r = await run('seq 1 {}', ['2000'], { tail: 10 });
      assert.equal(r.jobs[0]!.stdout, '1999\n2000\n');
    });

    test("joblog: a header and one line per job; resume skips every logged input, resume: 'failed' only those that succeeded", async () => {
      const log = join(dir, `jobs-${spawnFrom}.log`);
      const first = await run('[ {} != bad ] && [ {} != worse ]', ['a', 'bad', 'c', 'worse'], { joblog: log });
      assert.equal(first.failed, 2);
      const lines = readFileSync(log, 'utf8').trimEnd().split('\n');
      assert.equal(lines[0], 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\tInput');
      const rows = lines
        .slice(1)
        .map((l) => l.split('\t'))
        .sort((x, y) => Number(x[0]) - Number(y[0]));
      assert.deepEqual(
        rows.map((f) => [f[0], f[6], f[7], f[9]]),
        [
          ['1', '0', '0', 'a'],
          ['2', '1', '0', 'bad'],
          ['3', '0', '0', 'c'],
          ['4', '1', '0', 'worse'],
        ],
      );
      assert.match(rows[0]![3]!, /^\d+\.\d{3}$/);
      // GNU parallel's --resume: every logged job counts as done, failed or not.
      const resumed = await run('echo {#} {}', ['a', 'bad', 'c', 'worse', 'new'], { joblog: log, resume: true });
      assert.deepEqual(
        resumed.jobs.map((j) => j.stdout),
        ['5 new\n'],
      );
      assert.deepEqual([resumed.skipped, resumed.failed], [4, 0]);
      // --resume-failed: the failed ones run again.
      const again = await run('echo {#} {}', ['a', 'bad', 'c', 'worse', 'new'], { joblog: log, resume: 'failed' });
      assert.deepEqual(
        again.jobs.map((j) => j.stdout),
        ['2 bad\n', '4 worse\n'],
      );
      assert.deepEqual([again.skipped, again.failed], [3, 0]);
      const all = readFileSync(log, 'utf8').trimEnd().split('\n');
      assert.equal(all.filter((l) => l.startsWith('Seq\t')).length, 1);
      assert.equal(all.length, 1 + 4 + 1 + 2);
      const third = await run('echo {}', ['a', 'bad', 'c', 'worse', 'new'], { joblog: log, resume: 'failed' });
      assert.deepEqual([third.jobs.length, third.skipped], [0, 5]);
    });

    test('inputs of several arguments: {} is all of them, {N} one; resume matches them whole', async () => {
      const log = join(dir, `multi-${spawnFrom}.log`);
      const inputs = [
        ['a b', 'x.y'],
        ['c', 'z'],
        ['c', 'z'],
      ];
      const r = await run("printf '%s|' {} {2.} {-2}", inputs, { joblog: log });
      assert.deepEqual(
        r.jobs.map((j) => [j.stdout, j.args, j.input]),
        [
          ['a b|x.y|x|a b|', ['a b', 'x.y'], 'a b x.y'],
          ['c|z|z|c|', ['c', 'z'], 'c z'],
          ['c|z|z|c|', ['c', 'z'], 'c z'],
        ],
      );
      const again = await run('echo {1}/{2}', [...inputs, ['a b', 'x'], ['a', 'b x.y']], { joblog: log, resume: true });
      assert.deepEqual([again.skipped, again.jobs.map((j) => j.stdout)], [3, ['a b/x\n', 'a/b x.y\n']]);
      await assert.rejects(run('echo {3}', [['a', 'b']]), { code: 'ERR_INVALID_ARG', message: /at least 3 arguments/ });
      await assert.rejects(run('echo', [[]]), { code: 'ERR_INVALID_ARG' });
      await assert.rejects(run('echo {=uc=}', ['a']), { code: 'ERR_INVALID_ARG', message: /not supported/ });
    });

    test('{%} is the job slot: never two running jobs in one slot; keepOrder calls onJob in input order', async () => {
      const seen: number[] = [];
      const r = await run('echo {%}; sleep {}', ['0.3', '0', '0.1', '0', '0.2', '0'], { jobs: 2, keepOrder: true, onJob: (j) => seen.push(j.job) });
      assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
      for (const j of r.jobs) assert.ok(j.slot === 1 || j.slot === 2, String(j.slot));
      assert.deepEqual(
        r.jobs.map((j) => j.stdout),
        r.jobs.map((j) => `${j.slot}\n`),
      );
      // Two jobs that ran at the same time never share a slot.
      for (const a of r.jobs) {
        for (const b of r.jobs) {
          // (5 ms of slack: the start is read in whole milliseconds.)
          const overlap = a.job < b.job && a.startTime + 5 < b.startTime + b.seconds * 1000 && b.startTime + 5 < a.startTime + a.seconds * 1000;
          if (overlap) assert.notEqual(a.slot, b.slot, `jobs ${a.job} and ${b.job}`);
        }
      }
    });

    test('an input with a newline or tab survives the joblog round trip', async () => {
      const log = join(dir, `odd-${spawnFrom}.log`);
      await run('true', ['two\nlines', 'tab\there', 'back\\slash'], { joblog: log });
      const r = await run('true', ['two\nlines', 'tab\there', 'back\\slash', 'other'], { joblog: log, resume: true });
      assert.deepEqual([r.skipped, r.jobs.map((j) => j.input)], [3, ['other']]);
    });

    test('timeout kills the job and what it started (SIGTERM), and SIGKILLs one that ignores it', async () => {
      // The job's own process group is killed: the inner shell and its sleep too, or this would wait 30 s.
      const r = await run('sh -c "sleep {}; echo late"; echo never', ['30'], { timeout: 100 });
      assert.deepEqual([r.jobs[0]!.timedOut, r.jobs[0]!.signal, r.jobs[0]!.ok, r.jobs[0]!.stdout, r.failed], [true, 'SIGTERM', false, '', 1]);
      // A full second before the timeout: SIGTERM must find the trap set, even on a loaded machine
      // (at 100 ms, a shell still starting up was sometimes killed by the SIGTERM itself).
      const stubborn = await run("trap '' TERM; sleep {}", ['30'], { timeout: 1000, killAfter: 100 });
      assert.deepEqual([stubborn.jobs[0]!.timedOut, stubborn.jobs[0]!.signal], [true, 'SIGKILL']);
      const fast = await run('true', ['x'], { timeout: 30_000 });
      assert.deepEqual([fast.jobs[0]!.timedOut, fast.failed], [false, 0]);
    });

    test('halt now,fail=1: the running jobs are killed and no new one starts', async () => {
      const inputs = Array.from({ length: 20 }, (_, i) => String(i + 1));
      const r = await run('[ {} != 1 ] || exit 7; sleep 30', inputs, { jobs: 2, halt: 'now,fail=1' });
      assert.equal(r.halted, true);
      assert.deepEqual([r.failed, r.exitCode], [1, 1]);
      assert.equal(r.jobs[0]!.exitCode, 7);
      for (const j of r.jobs.slice(1)) assert.deepEqual([j.halted, j.ok], [true, false]);
      assert.ok(r.jobs.length < inputs.length);
      // What was read but never started is listed, by job number.
      assert.deepEqual(
        r.notStarted.map((n) => n.input),
        r.notStarted.map((n) => String(n.job)),
      );
      assert.equal(r.notRun, r.notStarted.length);
    });

    test('halt soon,fail=1 lets the running jobs finish; now,success=1 stops at the first success', async () => {
      const soon = await run('[ {} != 1 ] || exit 7; sleep 0.2; echo done', ['1', '2', '3', '4', '5', '6', '7', '8'], { jobs: 2, halt: 'soon,fail=1' });
      assert.equal(soon.halted, true);
      assert.ok(soon.jobs.length < 8);
      for (const j of soon.jobs.slice(1)) assert.deepEqual([j.halted, j.stdout], [false, 'done\n']);
      const win = await run('[ {} = 2 ] || sleep 30', ['1', '2', '3', '4'], { jobs: 2, halt: { when: 'now', on: 'success', count: 1 } });
      assert.deepEqual([win.halted, win.succeeded, win.failed, win.exitCode], [true, 1, 0, 0]);
    });

    test('inputs from an async iterable, and an AbortSignal that stops the farm', async () => {
      async function* gen(): AsyncGenerator<string> {
        for (let i = 0; i < 5; i++) yield `n${i}`;
      }
      assert.deepEqual(
        (await run('echo {}', gen())).jobs.map((j) => j.stdout),
        ['n0\n', 'n1\n', 'n2\n', 'n3\n', 'n4\n'],
      );
      const ac = new AbortController();
      const seen: string[] = [];
      const stopped = run('[ {} = fast ] || sleep 30', ['fast', 'slow', 'slow'], {
        jobs: 1,
        signal: ac.signal,
        onJob: (j) => {
          seen.push(j.input);
          if (j.input === 'fast') ac.abort(new Error('enough'));
        },
      });
      await assert.rejects(stopped, (e: unknown) => e instanceof AbortError && e.code === 'ERR_ABORTED');
      assert.equal(seen[0], 'fast');
    });

    test('onJob sees each result and the progress; collect: false keeps none', async () => {
      const progress: number[] = [];
      const r = await run('true', ['a', 'b', 'c'], { collect: false, onJob: (_, p) => progress.push(p.done) });
      assert.deepEqual([r.jobs, r.succeeded, progress], [[], 3, [1, 2, 3]]);
    });
  });
}

describe('farm() options', { timeout: HANGS }, () => {
  test('are validated at the boundary', async () => {
    await assert.rejects(farm('', ['a']), { code: 'ERR_INVALID_ARG' });
    await assert.rejects(farm('echo', 'abc' as never), { code: 'ERR_INVALID_ARG' });
    await assert.rejects(farm('echo', ['a'], { jobs: 0 }), { code: 'ERR_OUT_OF_RANGE' });
    await assert.rejects(farm('echo', ['a'], { timeout: -1 }), RangeError);
    await assert.rejects(farm('echo', ['a'], { halt: 'later,fail=1' }), /Expected `halt` to be never, or now\|soon/);
    await assert.rejects(farm('echo', ['a'], { halt: 'now,fail=0' }), { code: 'ERR_INVALID_ARG' });
    await assert.rejects(farm('echo', ['a'], { resume: true }), /`resume` needs `joblog`/);
    await assert.rejects(farm('echo', ['a'], { spawnFrom: 'gpu' as never }), { code: 'ERR_INVALID_ARG' });
    assert.deepEqual((await farm('echo', [])).jobs, []);
  });
});
