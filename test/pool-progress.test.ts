import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { Executor, Pool, tasks } from 'ranks';
import { fixture, spawnOutput, type Output, HANGS } from './helpers.ts';

const math = tasks<typeof import('./fixtures/math-tasks.ts')>(new URL('./fixtures/math-tasks.ts', import.meta.url));

/** A stream that says it is a terminal (or not), and keeps what is written to it. */
function screen(isTTY: boolean): Writable & { isTTY: boolean; columns: number; text(): string } {
  let out = '';
  const s = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  return Object.assign(s, { isTTY, columns: 100, text: () => out });
}

// ESC [ ... letter: what the bar draws with, between the figures.
const plain = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

describe('progress bars', { timeout: HANGS }, () => {
  test('map, starmap, imap and Executor.map draw a bar of their calls on a terminal, ending at all of them', async () => {
    await using pool = new Pool({ size: 2 });
    await using ex = new Executor({ maxWorkers: 2 });
    const items = Array.from({ length: 12 }, (_, i) => i);
    const a = screen(true);
    assert.deepEqual(
      await pool.map(math.square, items, { chunksize: 5, progress: { stream: a } }),
      items.map((x) => x * x),
    );
    assert.match(plain(a.text()), /ranks map .*100% \| 12\/12 calls/);
    const b = screen(true);
    await pool.starmap(
      math.add,
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      { progress: { stream: b } },
    );
    assert.match(plain(b.text()), /3\/3 calls/);
    const c = screen(true);
    const got: number[] = [];
    for await (const y of pool.imap(math.square, items, { progress: { stream: c } })) got.push(y);
    assert.equal(got.length, 12);
    assert.match(plain(c.text()), /ranks imap .*12\/12 calls/);
    const d = screen(true);
    await ex.map(math.square, items, { progress: { stream: d } });
    assert.match(plain(d.text()), /12\/12 calls/);
  });

  test("a pool's own bar counts every call while some are pending, and starts again after an idle spell", async () => {
    const s = screen(true);
    const done: number[] = [];
    await using pool = new Pool({ size: 2, progress: { stream: s }, onProgress: (n) => done.push(n) });
    await Promise.all([1, 2, 3].map((x) => pool.apply(math.square, [x])));
    assert.match(plain(s.text()), /ranks pool .*3\/3 calls/);
    await pool.map(math.square, [1, 2, 3, 4]);
    assert.match(plain(s.text()), /4\/4 calls/, 'the second bar counts from the idle point');
    assert.deepEqual(done, [1, 2, 3, 4, 5, 6, 7], 'onProgress still gets every count');
  });

  test('nothing is drawn when the stream is not a terminal; a bad option throws ERR_INVALID_ARG', async () => {
    const s = screen(false);
    await using pool = new Pool({ size: 1, progress: { stream: s } });
    await pool.map(math.square, [1, 2], { progress: { stream: s } });
    for await (const _ of pool.imap(math.square, [1], { progress: { stream: s } })) void _;
    assert.equal(s.text(), '');
    assert.throws(() => new Pool({ size: 1, progress: 'yes' as never }), { code: 'ERR_INVALID_ARG', message: /`progress`/ });
    assert.throws(() => pool.map(math.square, [1], { progress: {} as never }), { code: 'ERR_INVALID_ARG' });
  });
});

describe('progress bars on a real terminal', { timeout: HANGS }, () => {
  const script = fixture('pool-progress.mjs').pathname;
  test('progress: true draws on stderr when it is a terminal (script(1)), and the script exits by itself', async (t) => {
    if (!existsSync('/usr/bin/script')) return t.skip('needs script(1) for a terminal');
    const line = `${JSON.stringify(process.execPath)} ${JSON.stringify(script)}`;
    const r = await run('/usr/bin/script', ['-qec', line, '/dev/null']);
    assert.equal(r.code, 0, `exit by itself: ${r.stdout}`);
    assert.match(r.stdout, /sum 2470/);
    assert.match(plain(r.stdout), /ranks pool .*3\/3 calls/);
    assert.match(plain(r.stdout), /ranks map .*20\/20 calls/);
    assert.doesNotMatch(plain(r.stdout), /ranks pool [^\n]*\/2\d calls/, "the pool's bar gave way to the map's");
  });

  test('nothing on stderr when it is not a terminal', async () => {
    const r = await run(process.execPath, [script]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'sum 2470\n');
    assert.equal(r.stderr, '');
  });
});

/** Runs a command (killed by a hang guard), with its output. */
function run(command: string, args: string[]): Promise<Output> {
  return spawnOutput(command, args, { killSignal: 'SIGKILL' });
}
