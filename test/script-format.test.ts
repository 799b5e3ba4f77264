import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { bin, runIn, scratchProject } from './project-helpers.ts';
import { entryNeedsEsm, packageType } from '../src/launch/script-loader.ts';
import { MPI_ENV, mpiFlavors } from './mpi-helpers.ts';
import { HANGS } from './helpers.ts';
// Issue 13.2: `npm init -y` writes "type": "commonjs", and tsx then compiles a `.ts` script
// as CommonJS, where top-level await fails in every rank. `ranks run` runs a script written
// in ESM syntax as ESM whatever the nearest package.json says.
const ring = `// ring.ts — run with: ranks run -n 4 ring.ts
import { world } from 'ranks';

const comm = world();
const next = (comm.rank + 1) % comm.size;
const prev = (comm.rank + comm.size - 1) % comm.size;
if (comm.rank === 0) {
  await comm.send({ visited: [0] }, next);
  console.log('ring', JSON.stringify(await comm.recv({ source: prev })), typeof import.meta.url);
} else {
  const token = await comm.recv<{ visited: number[] }>({ source: prev });
  token.visited.push(comm.rank);
  await comm.send(token, next);
}
`;
// A helper module next to it, imported with ESM syntax.
const lib = 'export const twice = (x: number): number => 2 * x;\n';
const app = `import { world, SUM } from 'ranks';
import { twice } from './lib.ts';
const comm = world();
console.log('sum', twice(await comm.allreduce(comm.rank, SUM)));
`;
// A script written as CommonJS keeps running as CommonJS.
const legacy = `const { world, SUM } = require('ranks');
const path = require('node:path');
const comm = world();
comm.allreduce(1, SUM).then((n: number) => console.log('cjs', n, path.basename(__filename)));
`;

const projects: Record<string, Record<string, string>> = {
  'a "type": "commonjs" package.json (npm init -y)': { 'package.json': '{ "name": "app", "type": "commonjs" }\n' },
  'a package.json without "type"': { 'package.json': '{ "name": "app" }\n' },
  'no package.json': {},
};

describe('ranks run: a script in ESM syntax runs as ESM whatever package.json says', { timeout: HANGS }, () => {
  for (const [what, files] of Object.entries(projects)) {
    for (const transport of ['threads', 'processes']) {
      test(`ring.ts with top-level await, ${what}, ${transport}`, async () => {
        const p = scratchProject({
          ...files,
          'ring.ts': ring,
          'lib.ts': lib,
          'app.ts': app,
          'legacy.ts': legacy,
          'ring.js': ring.replace('<{ visited: number[] }>', ''),
        });
        try {
          const r = await runIn(p.dir, process.execPath, [bin, 'run', '-n', '4', '--transport', transport, 'ring.ts']);
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stdout, /ring {"visited":\[0,1,2,3\]} string/);
          if (what.startsWith('a "type"') && transport === 'threads') {
            // A .js script too, one that imports a .ts helper, and one written as CommonJS.
            const js = await runIn(p.dir, process.execPath, [bin, 'run', '-n', '4', 'ring.js']);
            assert.equal(js.code, 0, js.stderr);
            assert.match(js.stdout, /ring {"visited":\[0,1,2,3\]} string/);
            const a = await runIn(p.dir, process.execPath, [bin, 'run', '-n', '2', 'app.ts']);
            assert.equal(a.code, 0, a.stderr);
            assert.equal(a.stdout.trim(), 'sum 2\nsum 2');
            const c = await runIn(p.dir, process.execPath, [bin, 'run', '-n', '2', 'legacy.ts']);
            assert.equal(c.code, 0, c.stderr);
            assert.equal(c.stdout.trim(), 'cjs 2 legacy.ts\ncjs 2 legacy.ts');
          }
        } finally {
          p.remove();
        }
      });
    }
  }
});

describe('ranks run under mpiexec: the same in a "type": "commonjs" project', { timeout: HANGS }, () => {
  for (const { flavor, skip } of mpiFlavors()) {
    test(`ring.ts with top-level await, ${flavor.name}`, { skip: skip ?? false }, async () => {
      if (skip !== undefined) return;
      const p = scratchProject({ 'package.json': '{ "name": "app", "type": "commonjs" }\n', 'ring.ts': ring });
      try {
        const r = await runIn(p.dir, flavor.mpiexec, [...flavor.ranks(2), process.execPath, bin, 'run', 'ring.ts'], 120_000, MPI_ENV);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /ring {"visited":\[0,1\]} string/);
      } finally {
        p.remove();
      }
    });
  }
});

describe('entryNeedsEsm', { timeout: HANGS }, () => {
  test('decides by extension, package type and CommonJS-only syntax', () => {
    const p = scratchProject(
      {
        'package.json': '{ "type": "commonjs" }',
        'esm.ts': "import x from 'y'; // require('z') in a comment\n/* module.exports */ await x;\nconst u = 'http://host/__dirnameish';",
        'cjs.ts': "const x = require('y');",
        'dir.js': 'console.log(__dirname);',
        'plain.mts': 'await 1;',
        'plain.cts': 'export {};',
        'mod/package.json': '{ "type": "module" }',
        'mod/esm.ts': 'await 1;',
        // ESM idioms that mention CommonJS names: still ESM (they cannot run as CommonJS)
        'dirname.ts':
          "import { dirname } from 'node:path';\nimport { fileURLToPath } from 'node:url';\nconst __dirname = dirname(fileURLToPath(import.meta.url));\nconsole.log(__dirname);",
        'create-require.ts': "import { createRequire } from 'node:module';\nconst require = createRequire(import.meta.url);\nrequire('node:fs');",
        'tla-block.ts': "const fs = require('node:fs');\nif (fs) { await Promise.resolve(); }",
        'async-fn.ts': "const fs = require('node:fs');\nasync function f() { await fs.promises.stat('.'); }\nvoid f();",
      },
      false,
    );
    try {
      const url = (name: string): string => pathToFileURL(join(p.dir, name)).href;
      assert.equal(entryNeedsEsm(url('esm.ts')), true);
      assert.equal(entryNeedsEsm(url('cjs.ts')), false);
      assert.equal(entryNeedsEsm(url('dir.js')), false);
      assert.equal(entryNeedsEsm(url('dirname.ts')), true, 'import.meta with a __dirname of its own');
      assert.equal(entryNeedsEsm(url('create-require.ts')), true, 'import.meta with createRequire');
      assert.equal(entryNeedsEsm(url('tla-block.ts')), true, 'a top-level await inside a block');
      assert.equal(entryNeedsEsm(url('async-fn.ts')), false, 'await only inside a function: CommonJS as it says');
      assert.equal(entryNeedsEsm(url('plain.mts')), false, 'already ESM');
      assert.equal(entryNeedsEsm(url('plain.cts')), false, 'CommonJS by its extension');
      assert.equal(entryNeedsEsm(url('mod/esm.ts')), false, 'already ESM by its package');
      assert.equal(packageType(join(p.dir, 'mod', 'esm.ts')), 'module');
      assert.equal(packageType(join(p.dir, 'esm.ts')), 'commonjs');
    } finally {
      p.remove();
    }
  });
});
