import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { spawnOutput, type Output, HANGS } from './helpers.ts';

const bin = new URL('../bin/ranks.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ranks-farm-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `ranks farm ARGS` in the test directory, with `input` on stdin (none: stdin closed at once). */
function farm(args: string[], input = '', command: string[] = [process.execPath, bin]): Promise<Output> {
  return spawnOutput(command[0]!, [...command.slice(1), 'farm', ...args], { cwd: dir, input });
}

const lines = (s: string): string[] => s.split('\n').filter(Boolean).sort();

describe('ranks farm', { timeout: HANGS }, () => {
  test('inputs after the template, after :::, from -a FILE and from stdin', async () => {
    const args = await farm(['-j', '2', 'echo in:{}', 'a', 'b c']);
    assert.equal(args.code, 0, args.stderr);
    assert.deepEqual(lines(args.stdout), ['in:a', 'in:b c']);
    const colons = await farm(['-j2', 'echo', 'x', ':::', '1', '2', '3']);
    assert.deepEqual(lines(colons.stdout), ['x 1', 'x 2', 'x 3']);
    writeFileSync(join(dir, 'list.txt'), 'f1\nf 2\r\n\nf3');
    const both = await farm(['-a', 'list.txt', 'echo {}', 'x']);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give inputs one way/);
    const fromFile = await farm(['-a', 'list.txt', "printf '[%s]\\n' {}"]);
    assert.deepEqual(lines(fromFile.stdout), ['[]', '[f 2]', '[f1]', '[f3]']);
    const stdin = await farm(["printf '<%s>\\n' {}"], 'one\ntwo\n');
    assert.equal(stdin.code, 0, stdin.stderr);
    assert.deepEqual(lines(stdin.stdout), ['<one>', '<two>']);
    const nul = await farm(['-0', "printf '<%s>' {}"], 'multi\nline\0second\0');
    assert.deepEqual(nul.stdout.split('>').filter(Boolean).sort(), ['<multi\nline', '<second']);
  });

  test('hostile inputs on the command line and on stdin are never shell code', async () => {
    const hostile = ['$(touch pwned)', '`touch pwned`', '; touch pwned', "'; touch pwned; '", '-rf', '*'];
    const r = await farm(['-j', '3', "printf '%s\\n' {}", ...hostile]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), [...hostile].sort());
    const s = await farm(["printf '%s\\n' {} {.} {/}"], `${hostile.join('\n')}\n`);
    assert.equal(s.code, 0, s.stderr);
    assert.equal(existsSync(join(dir, 'pwned')), false);
    const dry = await farm(['--dry-run', 'cat {} > {.}.out', "it's.txt", '$(x).c']);
    assert.equal(dry.stdout, "cat 'it'\\''s.txt' > 'it'\\''s'.out\ncat '$(x).c' > '$(x)'.out\n");
  });

  test('exit status is the number of failed jobs, and the summary shows each stderr tail', async () => {
    const r = await farm(['-j', '2', 'echo oops {} >&2; exit {}', '0', '3', '0', '5', '1']);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /ranks farm: 3 jobs failed:/);
    assert.match(r.stderr, /job 2 "3": exit 3\n {4}\| oops 3/);
    assert.match(r.stderr, /job 4 "5": exit 5\n {4}\| oops 5/);
    assert.match(r.stderr, /ranks farm: 2 succeeded, 3 failed in \d+\.\d s/);
    const ok = await farm(['true', 'a']);
    assert.deepEqual([ok.code, ok.stdout], [0, '']);
  });

  test('more than 100 failures exit 101', async () => {
    const inputs = Array.from({ length: 105 }, (_, i) => String(i));
    const r = await farm(['-q', '-j', '4', 'exit 1', ...inputs]);
    assert.equal(r.code, 101);
    assert.match(r.stderr, /ranks farm: 105 jobs failed:/);
    assert.match(r.stderr, /… and 85 more/);
  });

  test('--joblog; --resume skips every logged job (done or failed), --resume-failed reruns the failed ones', async () => {
    const first = await farm(['--joblog', 'run.log', '[ {} != b ]', 'a', 'b', 'c']);
    assert.equal(first.code, 1);
    const log = readFileSync(join(dir, 'run.log'), 'utf8').trimEnd().split('\n');
    assert.match(log[0]!, /^Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\tInput$/);
    assert.equal(log.length, 4);
    // GNU parallel's --resume: what the log lists is not run again, failed or not.
    const resumed = await farm(['--joblog', 'run.log', '--resume', 'echo ran {}', 'a', 'b', 'c', 'd']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(resumed.stdout, 'ran d\n');
    assert.match(resumed.stderr, /1 succeeded, 0 failed, 3 skipped \(--resume\)/);
    const again = await farm(['--joblog', 'run.log', '--resume-failed', 'echo ran {}', 'a', 'b', 'c', 'd']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, 'ran b\n');
    assert.match(again.stderr, /1 succeeded, 0 failed, 3 skipped \(--resume\)/);
    const bad = await farm(['--resume', 'true', 'a']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--resume needs --joblog FILE/);
  });

  test('several ::: sources run every combination in GNU parallel order; :::: reads files; {N} {%} {#}', async () => {
    const combos = await farm(['-k', '-j', '2', 'echo', ':::', 'a', 'b', ':::', 'x', 'y']);
    assert.equal(combos.code, 0, combos.stderr);
    assert.equal(combos.stdout, 'a x\na y\nb x\nb y\n');
    const positional = await farm(['-k', '-j', '2', "printf '%s|' {2} {1.} {-1/} {#}; echo", ':::', 'd/a.txt', 'b.c', ':::', 'p/q']);
    assert.equal(positional.stdout, 'p/q|d/a|q|1|\np/q|b|q|2|\n');
    writeFileSync(join(dir, 'one.txt'), 'l1\nl 2\n');
    writeFileSync(join(dir, 'two.txt'), 'm\n');
    const files = await farm(['-k', 'echo {1}+{2}+{3}', '::::', 'one.txt', 'two.txt', ':::', 'z']);
    assert.equal(files.stdout, 'l1+m+z\nl 2+m+z\n');
    const slots = await farm(['-j', '3', 'sleep 0.2; echo {%}', ':::', '1', '2', '3', '4', '5', '6']);
    assert.equal(slots.code, 0, slots.stderr);
    for (const slot of lines(slots.stdout)) assert.ok(['1', '2', '3'].includes(slot), slot);
    const missing = await farm(['echo', '::::', 'one.txt', 'no-such-file']);
    assert.deepEqual([missing.code, missing.stdout], [2, '']);
    assert.match(missing.stderr, /^ranks farm: cannot read the input file "no-such-file": ENOENT; see ranks farm --help\n$/);
    const dry = await farm(['--dry-run', '-j', '2', 'echo {%} {#} {}', ':::', 'a', 'b', 'c']);
    assert.equal(dry.stdout, "echo 1 1 'a'\necho 2 2 'b'\necho 1 3 'c'\n");
  });

  test('-k prints in input order; --tag prefixes every line with the arguments and a tab', async () => {
    const ordered = await farm(['-k', '-j', '3', 'sleep {}; echo {}', ':::', '0.6', '0.3', '0']);
    assert.equal(ordered.code, 0, ordered.stderr);
    assert.equal(ordered.stdout, '0.6\n0.3\n0\n');
    const tagged = await farm(['-k', '--tag', "printf 'one\\ntwo\\n'; echo err >&2; : {}", ':::', 'a b', ':::', 'x']);
    assert.equal(tagged.stdout, 'a b\tx\tone\na b\tx\ttwo\n');
    assert.match(tagged.stderr, /^a b\tx\terr$/m);
  });

  test('GNU parallel syntax that is not implemented is refused with a code, and nothing runs', async () => {
    for (const args of [
      ['touch ran', ':::+', 'a'],
      ['touch ran', '::::+', 'list.txt'],
      ['touch {=uc=}', ':::', 'a'],
      ['--xapply', 'touch ran', ':::', 'a'],
      ['-X', 'touch ran', ':::', 'a'],
      ['touch {3}', ':::', 'a', ':::', 'b'],
      ['touch {0}', ':::', 'a'],
    ]) {
      const r = await farm(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^ranks farm: .*; see ranks farm --help\n$/);
      if (!args.includes('touch {3}')) assert.match(r.stderr, /ERR_INVALID_ARG: .*not supported|names argument 0/);
    }
    assert.equal(existsSync(join(dir, 'ran')), false);
    assert.equal(existsSync(join(dir, 'a')), false);
  });

  test('--halt now reports the inputs never started', async () => {
    const inputs = Array.from({ length: 12 }, (_, i) => String(i + 1));
    const h = await farm(['-j', '2', '--halt', 'now,fail=1', '[ {} != 1 ] || exit 9; sleep 30', ':::', ...inputs]);
    assert.equal(h.code, 1);
    const never = /ranks farm: halted: (\d+) inputs never started:\n((?: {2}job \d+ "\d+"\n)+)/.exec(h.stderr);
    assert.ok(never, h.stderr);
    const listed = never[2]!
      .trimEnd()
      .split('\n')
      .map((l) => /job (\d+) "(\d+)"/.exec(l)!.slice(1));
    for (const [job, input] of listed) assert.equal(job, input);
    // Job 1 failed, job 2 was killed by the halt (or never started): at least the other ten never ran.
    assert.ok(Number(never[1]) >= 10 && Number(never[1]) === listed.length, h.stderr);
    assert.deepEqual(
      listed.slice(-10).map(([job]) => job),
      inputs.slice(2),
    );
  });

  test('--timeout fails a job that runs too long; --halt now,fail=1 stops the farm', async () => {
    const t = await farm(['--timeout', '0.2', 'sleep {}', '30', '0']);
    assert.equal(t.code, 1);
    assert.match(t.stderr, /job 1 "30": killed after --timeout 0\.2 s/);
    const inputs = Array.from({ length: 30 }, (_, i) => String(i + 1));
    const h = await farm(['-j', '2', '--halt', 'now,fail=1', '[ {} != 1 ] || exit 9; sleep 30', ...inputs]);
    assert.equal(h.code, 1);
    assert.match(h.stderr, /job 1 "1": exit 9/);
    assert.match(h.stderr, /halted/);
  });

  test('a closed output pipe stops the farm (exit 141), as in a shell pipeline', async () => {
    const code = await new Promise<number | null>((resolve, reject) => {
      // The first job prints a lot at once; the reader goes away; the sleeping jobs are then killed.
      const args = ['farm', '-q', '-j', '2', '[ {} = big ] && seq 1 200000 || sleep 30', 'big', 'slow', 'slow', 'slow'];
      const child = spawn(process.execPath, [bin, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'], timeout: 60_000 });
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('error', reject);
      child.on('close', (c) => resolve(c));
    });
    assert.equal(code, 141);
  });

  test('usage errors exit 2 with a message; --help', async () => {
    for (const [args, message] of [
      [['-j', '0', 'x'], /Expected -j to be an integer >= 1/],
      [['--halt', 'sometimes', 'x'], /Expected `halt`/],
      [['--bogus', 'x'], /unknown option --bogus/],
      [[], /missing the command/],
    ] as const) {
      const r = await farm([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    const help = await farm(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /\{\.\} without extension/);
  });

  test('a progress bar on a terminal, none with --quiet', async (t) => {
    if (!existsSync('/usr/bin/script')) return t.skip('needs script(1) for a terminal');
    const line = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} farm -j 2 'echo out {}' a b c`;
    const tty = await spawnOutput('/usr/bin/script', ['-qec', line, '/dev/null'], { cwd: dir });
    assert.equal(tty.code, 0, tty.stdout);
    assert.match(tty.stdout, /ranks farm .*\d+% \| \d\/3 jobs \| 0 failed/);
    for (const x of ['a', 'b', 'c']) assert.match(tty.stdout, new RegExp(`out ${x}`));
    const quiet = await farm(['-q', 'echo {}', 'a']);
    assert.deepEqual([quiet.stdout, quiet.stderr], ['a\n', '']);
  });
});
