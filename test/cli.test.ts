import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cli, fixture, spawnOutput, type Output, HANGS } from './helpers.ts';
import { mpiexec, mpiFlavors } from './mpi-helpers.ts';
import { parseRun } from '../src/cli/args.ts';

const bin = new URL('../bin/ranks.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ranks-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const script = (name: string): string => fixture(name).pathname;

/** `ranks ARGS` in `cwd`. */
function ranksIn(cwd: string, args: string[]): Promise<Output> {
  return spawnOutput(process.execPath, [bin, ...args], { cwd });
}

describe('ranks: help and usage errors', { timeout: HANGS }, () => {
  test('every command has its own --help (exit 0, on stdout); ranks --version', async () => {
    for (const [args, title] of [
      [['run', '--help'], /^ranks run — /],
      [['run', '-h'], /^ranks run — /],
      [['farm', '--help'], /^ranks farm — /],
      [['info', '--help'], /^ranks info — /],
      [['help', 'run'], /^ranks run — /],
      [['--help'], /^ranks — /],
      [['--help', 'farm'], /^ranks farm — /],
    ] as const) {
      const r = await cli([...args]);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, title);
      assert.equal(r.stderr, '');
    }
    const run = await cli(['run', '--help']);
    assert.match(run.stdout, /-n, --np N/);
    assert.match(run.stdout, /--tag-output/);
    const v = await cli(['--version']);
    assert.match(v.stdout, /^\d+\.\d+\.\d+/);
  });

  test("options stop at the script: what follows, --help included, is the script's", async () => {
    const r = await cli(['run', '-n', '1', script('cli-args.ts'), '--help', '-n', '3', '--tagoutput']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), ['--help', '-n', '3', '--tagoutput']);
    const np = await cli(['run', '-np', '1', '--', script('cli-args.ts'), 'x']);
    assert.deepEqual([np.code, JSON.parse(np.stdout)], [0, ['x']]);
  });

  test("-np (mpiexec's spelling) is read wherever it stands among the options, and never in the script's words", () => {
    for (const argv of [
      ['-np', '4', 'app.ts'],
      ['--timeout', '5', '-np', '4', 'app.ts'],
      ['--transport', 'threads', '-np', '4', 'app.ts'],
      ['--tag-output', '-np', '4', 'app.ts'],
      ['-n', '2', '-np', '4', 'app.ts'],
    ]) {
      const r = parseRun(argv);
      assert.deepEqual([r.size, r.script, r.args], [4, 'app.ts', []], argv.join(' '));
    }
    const own = parseRun(['-n', '2', 'app.ts', '-np', '3']);
    assert.deepEqual([own.size, own.args], [2, ['-np', '3']]);
    const after = parseRun(['-n', '2', '--', '-np']);
    assert.deepEqual([after.script, after.args], ['-np', []]);
  });

  test('one convention for usage errors in every command: one line, exit 2, did-you-mean', async () => {
    const cases: [string[], string][] = [
      [['run', '--tagoutput', 'app.ts'], 'ranks run: unknown option --tagoutput (did you mean --tag-output?); see ranks run --help\n'],
      [['run', '-tag-output', 'app.ts'], 'ranks run: unknown option -tag-output (did you mean --tag-output?); see ranks run --help\n'],
      [['run', '--timout', '5', 'app.ts'], 'ranks run: unknown option --timout (did you mean --timeout?); see ranks run --help\n'],
      [['run', '-n', '0', 'app.ts'], 'ranks run: Expected -n to be an integer >= 1, got "0"; see ranks run --help\n'],
      [['run', '-n', '2.5', 'app.ts'], 'ranks run: Expected -n to be an integer >= 1, got "2.5"; see ranks run --help\n'],
      [['run', '-n', '-4', 'app.ts'], 'ranks run: Expected -n to be an integer >= 1, got "-4"; see ranks run --help\n'],
      [['run', '-n', 'lots', 'app.ts'], 'ranks run: Expected -n to be an integer >= 1, got "lots"; see ranks run --help\n'],
      [
        ['run', '--transport', 'carrier-pigeon', 'app.ts'],
        'ranks run: Expected --transport to be threads, processes or mpi, got "carrier-pigeon"; see ranks run --help\n',
      ],
      [['run', '-n'], 'ranks run: option -n needs a value; see ranks run --help\n'],
      [['run'], 'ranks run: missing the script to run: ranks run -n 4 app.ts; see ranks run --help\n'],
      [['farm', '--tagg', 'echo'], 'ranks farm: unknown option --tagg (did you mean --tag?); see ranks farm --help\n'],
      [['farm', '--keep-ordr', 'echo'], 'ranks farm: unknown option --keep-ordr (did you mean --keep-order?); see ranks farm --help\n'],
      [['farm', '--tag=yes', 'echo'], 'ranks farm: option --tag takes no value; see ranks farm --help\n'],
      [['info', '--bogus'], 'ranks info: unknown option --bogus; see ranks info --help\n'],
      [['info', 'extra'], 'ranks info: unexpected argument "extra"; see ranks info --help\n'],
      [['rnu'], 'ranks: unknown command "rnu" (did you mean run?); see ranks --help\n'],
      [['--bogus'], 'ranks: unknown option --bogus; see ranks --help\n'],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      assert.deepEqual([r.code, r.stderr, r.stdout], [2, message, ''], args.join(' '));
    }
    const bare = await cli([]);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /^ranks — /);
  });
});

describe('ranks run: failures, memory, closed pipes', { timeout: HANGS }, () => {
  for (const transport of ['threads', 'processes'] as const) {
    test(`a failed rank is reported with ERR_RANK_FAILED and its own error's code (${transport})`, async () => {
      const r = await cli(['run', '-n', '2', '--transport', transport, script('cli-coded.ts')]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^ranks: ERR_RANK_FAILED \(ERR_OUT_OF_RANGE\): Rank 1 failed: ArgumentRangeError: Expected `dest`/);
      const plain = await cli(['run', '-n', '2', '--transport', transport, script('throws.ts')]);
      assert.match(plain.stderr, /^ranks: ERR_RANK_FAILED: Rank 1 failed: Error: boom from rank one/);
    });

    test(`ranks run … | head stops quietly with 141 (${transport})`, async () => {
      const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [bin, 'run', '-n', '2', '--transport', transport, script('cli-spam.ts')], {
          stdio: ['ignore', 'pipe', 'pipe'],
          timeout: 60_000,
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.stdout.once('data', () => child.stdout.destroy());
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stderr }));
      });
      assert.deepEqual([r.code, r.stderr], [141, '']);
    });
  }

  test('under mpiexec, a failing rank reports ERR_RANK_FAILED and its error code too', async (t) => {
    const found = mpiFlavors().find((f) => f.skip === undefined);
    if (!found || found.skip !== undefined) return t.skip('no usable MPI installation');
    const r = await mpiexec(found.flavor, [...found.flavor.ranks(2), process.execPath, bin, 'run', script('cli-coded.ts')], { timeoutMs: 60_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /ranks: ERR_RANK_FAILED \(ERR_OUT_OF_RANGE\): Rank 1 failed: ArgumentRangeError/);
  });

  test('-n that cannot fit in memory is refused before any rank starts, saying what fits', async () => {
    for (const transport of ['threads', 'processes']) {
      const r = await cli(['run', '-n', '100000', '--transport', transport, script('hello.ts')]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(
          `^ranks: ERR_OUT_OF_RANGE: -n 100000 does not fit in memory: 100000 ranks of --transport ${transport} need about [\\d.]+ GiB .*; at most \\d+ fit here\\. Use -n \\d+ or fewer`,
        ),
      );
      assert.equal(r.stdout, '', 'no rank ran');
    }
  });
});

describe('ranks farm: inputs are data, whatever their names', { timeout: HANGS }, () => {
  test('a glob that matches files named ::: and $(touch PWNED) runs no shell code', async () => {
    const files = mkdtempSync(join(dir, 'glob-'));
    // What `ranks farm 'echo {}' *` receives in a folder holding these files (sorted as sh sorts them).
    const names = ['$(touch PWNED)', ':::', 'a', 'b c', "it's"];
    for (const n of names) writeFileSync(join(files, n), 'content\n');
    const r = await ranksIn(files, ['farm', 'echo {}', ...names]);
    assert.equal(existsSync(join(files, 'PWNED')), false, 'a file name ran as shell code');
    assert.equal(r.code, 0, r.stderr);
    // The words before ::: are literal arguments of every job; those after it its inputs.
    assert.deepEqual(r.stdout.split('\n').sort(), ['', 'a $(touch PWNED)', 'b c $(touch PWNED)', "it's $(touch PWNED)"]);
    assert.match(r.stderr, /passed to every job as literal arguments/);
    // Without a ::: among them, every name is an input.
    const plain = await ranksIn(files, ['farm', '-k', 'echo {}', '$(touch PWNED)', 'a', '`touch PWNED`']);
    assert.equal(plain.stdout, '$(touch PWNED)\na\n`touch PWNED`\n');
    // A file named :::: makes the names after it files to read: their lines are data too.
    writeFileSync(join(files, 'a'), '$(touch PWNED)\n');
    const four = await ranksIn(files, ['farm', '-k', 'echo {}', '$(touch PWNED)', '::::', 'a']);
    assert.equal(four.stdout, '$(touch PWNED) $(touch PWNED)\n');
    // More command words are data as well (GNU parallel's `gzip -9 ::: *.log` still works).
    const words = await ranksIn(files, ['farm', '-k', 'printf', '[%s]', '$(touch PWNED)', '{}.x', ':::', 'y']);
    assert.equal(words.stdout, '[$(touch PWNED)][y.x]');
    assert.equal(existsSync(join(files, 'PWNED')), false);
  });
});
