import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { Pool, tasks } from 'ranks';
import { HANGS } from './helpers.ts';

const math = tasks<typeof import('./fixtures/math-tasks.ts')>(new URL('./fixtures/math-tasks.ts', import.meta.url));

function* naturals(): Generator<number> {
  for (let i = 0; ; i++) yield i;
}
// Every case runs with worker threads and with worker processes (isolation: 'process').
for (const isolation of ['thread', 'process'] as const) {
  describe(`Pool.imap and imapUnordered (${isolation})`, { timeout: HANGS }, () => {
    test('imap yields results in input order; imapUnordered yields all of them as they finish', async () => {
      await using pool = new Pool({ isolation, size: 2 });
      const ordered: number[] = [];
      for await (const y of pool.imap(math.sleepy, [80, 5, 40, 1])) ordered.push(y);
      assert.deepEqual(ordered, [80, 5, 40, 1]);
      const unordered: number[] = [];
      for await (const y of pool.imapUnordered(math.sleepy, [150, 5, 5, 5])) unordered.push(y);
      assert.deepEqual(
        [...unordered].sort((a, b) => a - b),
        [5, 5, 5, 150],
      );
      // The first call waits for the second one's file: it finishes last, whatever the load.
      const gate = join(mkdtempSync(join(tmpdir(), 'ranks-imap-')), 'gate');
      const gated: string[] = [];
      for await (const y of pool.imapUnordered(math.gate, [
        ['wait', gate],
        ['make', gate],
      ]))
        gated.push(y);
      assert.deepEqual(gated, ['make', 'wait'], 'completion order, not input order');
      rmSync(dirname(gate), { recursive: true, force: true });
      for await (const y of pool.imap(math.square, [])) assert.fail(`nothing to yield, got ${y}`);
    });

    test('an endless generator works: read-ahead is bounded, and leaving the loop closes the input', async () => {
      await using pool = new Pool({ isolation, size: 2 });
      let pulled = 0;
      let closed = false;
      function* counted(): Generator<number> {
        try {
          for (const i of naturals()) {
            pulled++;
            yield i;
          }
        } finally {
          closed = true;
        }
      }
      const got: number[] = [];
      for await (const y of pool.imap(math.square, counted(), { chunksize: 4, readAhead: 16 })) {
        got.push(y);
        if (got.length === 50) break;
      }
      assert.deepEqual(
        got,
        Array.from({ length: 50 }, (_, i) => i * i),
      );
      assert.ok(pulled <= 50 + 16 + 4, `read ahead at most readAhead (+ one chunk): pulled ${pulled}`);
      assert.ok(closed, 'the generator was closed');
    });

    test('a result is yielded while a slow input has not given its next item', async () => {
      await using pool = new Pool({ isolation, size: 1 });
      let consumed!: () => void;
      const firstConsumed = new Promise<void>((resolve) => (consumed = resolve));
      // The input gives its second item only after the consumer has the first result.
      async function* gated(): AsyncGenerator<number> {
        yield 1;
        await firstConsumed;
        yield 2;
      }
      for (const ordered of [true, false]) {
        const got: number[] = [];
        const it = ordered ? pool.imap(math.square, gated()) : pool.imapUnordered(math.square, gated());
        for await (const y of it) {
          got.push(y);
          consumed();
        }
        assert.deepEqual(got, [1, 4]);
      }
    });

    test('async iterable input, chunks, and an error at its place in the stream', async () => {
      await using pool = new Pool({ isolation, size: 2 });
      async function* slowly(): AsyncGenerator<number> {
        for (let i = 1; i <= 6; i++) {
          await new Promise((r) => setTimeout(r, 2));
          yield i;
        }
      }
      const got: number[] = [];
      for await (const y of pool.imapUnordered((x: number) => x * 2, slowly(), { chunksize: 2 })) got.push(y);
      assert.deepEqual(
        got.sort((a, b) => a - b),
        [2, 4, 6, 8, 10, 12],
      );
      const before: number[] = [];
      await assert.rejects(
        (async () => {
          for await (const y of pool.imap(
            (x: number) =>
              x === 3
                ? (() => {
                    throw new RangeError(`bad ${x}`);
                  })()
                : x,
            [1, 2, 3, 4],
          ))
            before.push(y);
        })(),
        { name: 'RangeError', message: 'bad 3' },
      );
      assert.deepEqual(before, [1, 2], 'results before the failed call came first');
      await assert.rejects(async () => {
        for await (const _ of pool.imap(math.square, [1], { chunksize: 0 })) void _;
      }, RangeError);
    });
  });
}
