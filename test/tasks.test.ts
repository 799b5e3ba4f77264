// tasks(): one spelling of a task module for tsx and for compiled code; inline tasks
// rebuilt in workers from their tsx-compiled source.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { Pool, Process, Queue, tasks } from 'ranks';
import { fixture, spawnOutput, tsx, type Output, HANGS } from './helpers.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const project = fixture('tasks-project/');

function node(argv: string[], cwd = root): Promise<Output> {
  return spawnOutput(process.execPath, argv, { cwd });
}

// What main.ts prints when every spelling loaded `file` (math.ts or math.js).
const expected = (file: string): unknown => ({
  modules: [file, file],
  threads: [[1, 4, 9], [16], file],
  processes: [[25], file],
  process: 36,
});

describe('tasks(): the .js spelling works under tsx and compiled', { timeout: HANGS }, () => {
  test('under tsx, ./math.js loads math.ts (threads, processes, Process)', async () => {
    const r = await tsx(new URL('src/main.ts', project), [], 120_000);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), expected('math.ts'));
  });

  test('after tsc, ./math.js loads math.js and ./math.ts the compiled math.js too', async (t) => {
    const out = await mkdtemp(join(tmpdir(), 'ranks-tasks-'));
    t.after(() => rm(out, { recursive: true, force: true }));
    const tsc = await node([join(root, 'node_modules/typescript/bin/tsc'), '-p', fileURLToPath(new URL('tsconfig.json', project)), '--outDir', out]);
    assert.equal(tsc.code, 0, tsc.stdout + tsc.stderr);
    // A project of its own: ESM, with ranks installed (a link to this checkout).
    await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
    await mkdir(join(out, 'node_modules'));
    await symlink(root, join(out, 'node_modules', 'ranks'), 'dir');
    const r = await node([join(out, 'main.js')], out);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), expected('math.js'));
  });

  test('a module that exists under neither spelling is refused at the call, naming both paths', () => {
    const url = new URL('./fixtures/no-such-tasks.js', import.meta.url);
    assert.throws(
      () => tasks(url),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'ERR_INVALID_ARG');
        assert.match(err.message, /none of .*no-such-tasks\.js, .*no-such-tasks\.ts\b.* exists/);
        return true;
      },
    );
    assert.throws(() => tasks(new URL('./fixtures/no-such-tasks.mts', import.meta.url)), {
      code: 'ERR_INVALID_ARG',
      message: /no-such-tasks\.mts.*no-such-tasks\.mjs/,
    });
  });
});

// Under tsx (these tests run under it), esbuild's keepNames writes `__name(inner, "inner")`
// into the source of a function that declares a named function or class.
function withInnerNames(x: number): [number, string, string] {
  function twice(y: number): number {
    return y * 2;
  }
  class Box {
    constructor(readonly v: number) {}
  }
  return [new Box(twice(x)).v, twice.name, Box.name];
}

describe('inline tasks that declare named functions and classes', { timeout: HANGS }, () => {
  for (const isolation of ['thread', 'process'] as const) {
    test(`run under tsx in a pool (${isolation}), with their names`, async () => {
      await using pool = new Pool({ size: 1, isolation });
      assert.deepEqual(await pool.map(withInnerNames, [1, 2]), [
        [2, 'twice', 'Box'],
        [4, 'twice', 'Box'],
      ]);
      assert.deepEqual(
        await pool.apply(
          (x: number) => {
            const add = function named(y: number): number {
              return x + y;
            };
            return [add(1), add.name];
          },
          [1],
        ),
        [2, 'named'],
      );
    });
  }

  test('run under tsx in a Process', async () => {
    const q = new Queue<unknown>();
    const p = new Process({
      target: async (out: Queue<unknown>) => {
        class Point {
          constructor(readonly x: number) {}
        }
        function norm(pt: Point): number {
          return Math.abs(pt.x);
        }
        await out.put([norm(new Point(-3)), Point.name, norm.name]);
      },
      args: [q],
    });
    p.start();
    // The put is awaited before the target returns.
    await p.join();
    assert.equal(p.exitCode, 0);
    assert.deepEqual(await q.get({ timeout: 0 }), [3, 'Point', 'norm']);
    q.close();
  });

  test('a ReferenceError blames outer variables only for a name the task uses and does not declare', async () => {
    await using pool = new Pool({ size: 1 });
    const factor = 3;
    await assert.rejects(
      pool.apply((x: number) => x * factor, [1]),
      { name: 'ReferenceError', message: /^factor is not defined: an inline task runs in a worker from its source alone, so it cannot use `factor`/ },
    );
    // The missing name is not in the source: the cause is elsewhere, the error stays as it is.
    await assert.rejects(
      pool.apply(() => new Function(`return ${'no'}${'pe'};`)() as unknown, []),
      (err: Error) => {
        assert.equal(err.message, 'nope is not defined');
        return true;
      },
    );
    // Declared in the task, used out of its scope: not an outer variable either.
    await assert.rejects(
      pool.apply(
        (x: number) => {
          if (x > 0) {
            const inner = x;
            void inner;
          }
          return new Function('return inner')() as unknown;
        },
        [1],
      ),
      (err: Error) => {
        assert.equal(err.message, 'inner is not defined');
        return true;
      },
    );
  });
});
