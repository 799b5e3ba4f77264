// `ranks repl` on threads and processes: a script on stdin (state kept across inputs,
// `.on`, grouped output, an error or a deadlock reported and the session going on, `.exit`,
// --bail), and a real terminal (script(1)) for Ctrl-C, `.ranks` and history.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cli, HANGS } from './helpers.ts';
import { noTerminal, Terminal } from './repl-helpers.ts';
import { complete } from '../src/repl/complete.ts';
import { isIncomplete } from '../src/repl/incomplete.ts';
import { formatTargets, parseTargets } from '../src/repl/targets.ts';

const dir = mkdtempSync(join(tmpdir(), 'ranks-repl-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `ranks repl ARGS` with `lines` on stdin (no history file). */
function repl(args: string[], lines: string[]): ReturnType<typeof cli> {
  return cli(['repl', ...args], undefined, lines.map((l) => `${l}\n`).join(''));
}

for (const transport of ['threads', 'processes'] as const) {
  describe(`ranks repl on ${transport}, a script on stdin`, { timeout: HANGS }, () => {
    const n = ['-n', '3', '--transport', transport];

    test('every input runs on every rank, state persists, output comes grouped by rank', async () => {
      const r = await repl(n, [
        'const x = rank * 10',
        'function twice(v) { return 2 * v }',
        "console.log('x is', x); twice(x) + 1",
        'await Promise.resolve(rank)',
        'for (let i = 0; i < 2; i++) {',
        '  console.log(`line ${i} of ${rank}`)',
        '}',
        'await comm.allgather(rank)',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        [
          '[0] x is 0',
          '[0] 1',
          '[1] x is 10',
          '[1] 21',
          '[2] x is 20',
          '[2] 41',
          '[0] 0',
          '[1] 1',
          '[2] 2',
          '[0] line 0 of 0',
          '[0] line 1 of 0',
          '[1] line 0 of 1',
          '[1] line 1 of 1',
          '[2] line 0 of 2',
          '[2] line 1 of 2',
          '[0] [ 0, 1, 2 ]',
          '[1] [ 0, 1, 2 ]',
          '[2] [ 0, 1, 2 ]',
          '',
        ].join('\n'),
      );
    });

    test('.on 0,2 CODE runs on those ranks; .on RANKS alone changes where later inputs run', async () => {
      const r = await repl(n, ['let y = rank', '.on 0,2 y += 100', 'y', '.on 1', 'y', '.on 7 y', '.on all', 'y']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(
        r.stdout,
        [
          '[0] 100',
          '[2] 102',
          '[0] 100',
          '[1] 1',
          '[2] 102',
          'inputs now run on 1',
          '[1] 1',
          'ERR_INVALID_ARG: Expected a rank list of 0..2 (like 0,2 or 1-3 or all), got "7"',
          'inputs now run on every rank',
          '[0] 100',
          '[1] 1',
          '[2] 102',
          '',
        ].join('\n'),
      );
    });

    test('an error on one rank is reported for that rank, the others show their value, and the next input works', async () => {
      const r = await repl(n, ['const z = rank', "if (rank === 1) throw new Error('boom'); z", 'z + 1', 'undefinedName', 'z']);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.split('\n');
      assert.deepEqual(lines.slice(0, 6), ['[0] 0', '[1] Uncaught Error: boom', '[2] 2', '[0] 1', '[1] 2', '[2] 3']);
      assert.deepEqual(
        lines.slice(6, 9).map((l) => l.replace(/:.*/, '')),
        ['[0] Uncaught ReferenceError', '[1] Uncaught ReferenceError', '[2] Uncaught ReferenceError'],
      );
      assert.deepEqual(lines.slice(9), ['[0] 0', '[1] 1', '[2] 2', '']);
    });

    test('an input that deadlocks is reported as ERR_DEADLOCK and the next input works', async () => {
      // --timeout only bounds a failure: were the deadlock missed, the input would end "Interrupted".
      const r = await repl([...n, '--timeout', '120'], ['const w = rank', '.on 0 await comm.recv({ source: 1 })', 'w * 2']);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stdout.split('\n');
      assert.match(lines[0]!, /^\[0\] Uncaught \w+ \[ERR_DEADLOCK\]: /);
      assert.ok(!/^\[[12]\]/.test(lines.slice(0, -4).join('\n')), r.stdout);
      assert.deepEqual(lines.slice(-4), ['[0] 0', '[1] 2', '[2] 4', '']);
    });

    test('a rank that ends inside an input is reported there and in every later input; the others go on', async () => {
      const r = await repl(n, ['const v = rank', '.on 1 process.exit(3)', 'v', '.ranks']);
      assert.equal(r.code, 0, r.stderr);
      const ended = '[1] Uncaught RankFailedError [ERR_RANK_FAILED]: Engine 1 has ended (exited with code 3)';
      assert.equal(r.stdout, [ended, '[0] 0', ended, '[2] 2', '[0] idle', '[1] ended', '[2] idle', ''].join('\n'));
    });

    test('.exit ends the session: the inputs after it never run (status 0)', async () => {
      const r = await repl(n, ['rank', '.exit', "console.log('after exit')"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, '[0] 0\n[1] 1\n[2] 2\n');
    });

    test('--bail ends the session at the first failing input with status 1; without it the status is 0', async () => {
      const lines = ['1', 'if (rank === 2) throw new Error("stop here")', '"not reached"'];
      const bail = await repl([...n, '--bail'], lines);
      assert.equal(bail.code, 1, bail.stderr);
      assert.doesNotMatch(bail.stdout, /not reached/);
      assert.match(bail.stdout, /\[2\] Uncaught Error: stop here/);
      const on = await repl(n, lines);
      assert.equal(on.code, 0, on.stderr);
      assert.match(on.stdout, /\[2\] 'not reached'/);
    });
  });
}

describe('ranks repl --timeout', { timeout: HANGS }, () => {
  test('an input that runs past --timeout is stopped on every rank, as Ctrl-C would; the next one works', async () => {
    const r = await repl(['-n', '2', '--timeout', '5'], ['const u = rank + 1', 'await new Promise(() => {})', 'u']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '[0] Interrupted\n[1] Interrupted\n(stopped after --timeout 5 s; the ranks keep their state)\n[0] 1\n[1] 2\n');
  });
});

/** Waits until every one of `size` ranks runs the input: `.ranks`, typed meanwhile, answers at once. */
async function busy(term: Terminal, size: number): Promise<void> {
  for (;;) {
    term.type('.ranks\r');
    const states = (await term.waitFor(`[${size - 1}] `)) + (await term.waitFor('\n'));
    if (Array.from({ length: size }, (_, r) => new RegExp(`\\[${r}\\] busy`).test(states)).every(Boolean)) return;
  }
}

describe('ranks repl at a terminal (script(1))', { timeout: HANGS }, () => {
  const why = noTerminal();
  for (const transport of ['threads', 'processes'] as const) {
    test(`${transport}: Ctrl-C stops a running input on every rank; .ranks shows who is busy; the state stays`, async (t) => {
      if (why) return t.skip(why);
      const history = join(dir, `history-${transport}`);
      const term = new Terminal(['-n', '2', '--transport', transport], { ...process.env, RANKS_REPL_HISTORY: history });
      t.after(() => term.kill());
      const prompt = 'ranks[2]> ';
      await term.waitFor(prompt);
      term.type('const kept = 40 + rank\r');
      await term.waitFor(prompt);
      // Multi-line input as Node's REPL: an open bracket asks for more.
      term.type('Math.max(\r');
      await term.waitFor('... ');
      term.type('  kept + 1)\r');
      assert.match(await term.waitFor(prompt), /\[0\] 41\n\[1\] 42\n/);
      // Rank 1 waits forever, rank 0 is stuck in a receive nobody sends: Ctrl-C stops both.
      term.type('if (rank === 0) await comm.recv({ source: 1, tag: 9 }); else await new Promise(() => {})\r');
      await busy(term, 2);
      term.type('\x03');
      const stopped = await term.waitFor(prompt);
      assert.match(stopped, /\[0\] Interrupted/);
      assert.match(stopped, /\[1\] Interrupted/);
      term.type('kept\r');
      assert.match(await term.waitFor(prompt), /\[0\] 40\n\[1\] 41\n/);
      // A synchronous loop at the input's top level is stopped too.
      term.type('while (true) {}\r');
      await busy(term, 2);
      term.type('\x03');
      assert.match(await term.waitFor(prompt), /\[0\] Interrupted\n\[1\] Interrupted\n/);
      term.type('kept + 2\r');
      assert.match(await term.waitFor(prompt), /\[0\] 42\n\[1\] 43\n/);
      term.type('.exit\r');
      assert.equal(await term.exited, 0, term.text);
      // History, as Node's REPL keeps it (newest first).
      const kept = readFileSync(history, 'utf8').split('\n');
      assert.equal(kept[0], '.exit');
      assert.ok(kept.includes('const kept = 40 + rank'), kept.join('\n'));
    });
  }
});

describe('ranks repl: input and options', { timeout: HANGS }, () => {
  test('an input that stops mid-statement waits for more lines; a syntax error does not', () => {
    for (const code of ['for (const a of [1]) {', 'foo(1,', 'const q =', '`open', '/* open', 'if (a) {\n}\nelse {'])
      assert.equal(isIncomplete(`${code}\n`), true, code);
    for (const code of ['rank', 'await x', '}', 'a b', '1 +* 2', 'foo(1 2', "'open"]) assert.equal(isIncomplete(`${code}\n`), false, code);
  });

  test("tab completion offers commands and the ranks' globals, and never evaluates (nothing after a dot)", () => {
    assert.deepEqual(complete('.ra', ['on', 'ranks', 'exit']), [['.ranks'], '.ra']);
    assert.deepEqual(complete('const s = co', []), [['comm', 'console'], 'co']);
    assert.deepEqual(complete('comm.al', []), [[], '']);
  });

  test('rank lists: 0,2  1-3  all; anything else is ERR_INVALID_ARG', () => {
    assert.deepEqual(parseTargets('2,0', 4), [0, 2]);
    assert.deepEqual(parseTargets('1-3', 4), [1, 2, 3]);
    assert.deepEqual(parseTargets('all', 3), [0, 1, 2]);
    assert.equal(formatTargets([0, 1, 2, 5]), '0-2,5');
    for (const bad of ['4', '-1', '3-1', 'x', '']) assert.throws(() => parseTargets(bad, 4), { code: 'ERR_INVALID_ARG' }, bad);
  });

  test('usage errors exit 2 with one line; --help and ranks help repl print the help', async () => {
    for (const [args, line] of [
      [['repl', 'script.txt'], 'ranks repl: unexpected argument "script.txt" (a script goes on stdin: ranks repl -n 4 < session.txt); see ranks repl --help\n'],
      [['repl', '--transport', 'mpi'], 'ranks repl: Expected --transport to be threads or processes, got "mpi"; see ranks repl --help\n'],
      [['repl', '-n', '0'], 'ranks repl: Expected -n to be an integer >= 1, got "0"; see ranks repl --help\n'],
      [['repl', '--bial'], 'ranks repl: unknown option --bial (did you mean --bail?); see ranks repl --help\n'],
    ] as const) {
      const r = await cli([...args]);
      assert.deepEqual([r.code, r.stderr, r.stdout], [2, line, ''], args.join(' '));
    }
    for (const args of [
      ['repl', '--help'],
      ['help', 'repl'],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /^ranks repl — /);
      assert.match(r.stdout, /\.on 0,2 CODE/);
    }
    assert.match((await cli(['--help'])).stdout, /ranks repl \[-n N\]/);
  });
});
