import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { root, runIn, scratchProject } from './project-helpers.ts';
import { HANGS } from './helpers.ts';

// Issue 13.5: the published .d.ts carried 35 @internal members, so Future<number> was not a
// Future<unknown>. The build strips them (stripInternal); what is left must type-check on
// its own, with skipLibCheck off, for a consumer.
function declarations(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name));
}

describe('published declarations', { timeout: HANGS }, () => {
  test('no @internal member ships in dist/*.d.ts', () => {
    const files = declarations(join(root, 'dist'));
    assert.ok(files.length > 20, 'dist/ is built');
    const leaks = files.filter((f) => readFileSync(f, 'utf8').includes('@internal'));
    assert.deepEqual(leaks, []);
  });

  test('a consumer type-checks against every .d.ts with skipLibCheck off, futures of different types mix', async () => {
    const p = scratchProject({
      'package.json': '{ "type": "module" }\n',
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          lib: ['es2024'],
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        include: ['consumer.ts', 'node_modules/ranks/dist/**/*.d.ts'],
      }),
      'consumer.ts': `import { Pool, world, type Communicator, type Future, type Task } from 'ranks';
// A Task keeps its signature in the published types.
type Differs = Task<[number], string> extends Task<[string], string> ? 'no' : 'yes';
export const differs: Differs = 'yes';
declare const n: Future<number>;
declare const s: Future<string>;
const mixed: Future<unknown>[] = [n, s];
const comm: Communicator = world();
export { mixed, comm, Pool };
`,
    });
    try {
      const r = await runIn(p.dir, process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
    } finally {
      p.remove();
    }
  });
});
