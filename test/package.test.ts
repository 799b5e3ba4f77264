import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fencedBlocks, root, runIn, type Run } from './project-helpers.ts';

// Issue 13, "Done when": a new user's path, from the packed tarball. `npm pack` the
// checkout (dist/ as built by `npm test`'s pretest), install the tarball into a fresh
// `npm init -y` folder (dependencies come from npm's cache or its registry), then:
// the README's first program runs with `npx ranks run -n 4 ring.ts`, package.json untouched;
// a Pool over a .ts task module runs under tsx and, compiled with tsc, under node.
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function ok(r: Run, what: string): Run {
  assert.equal(r.code, 0, `${what} failed (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

describe('the packed package in a fresh npm init -y project', { timeout: 900_000 }, () => {
  let dir = '';
  let tarball = '';

  before(async () => {
    assert.ok(existsSync(join(root, 'dist', 'index.js')), 'dist/ is built (npm run build)');
    dir = mkdtempSync(join(tmpdir(), 'ranks-user-'));
    // --ignore-scripts: pack dist/ as built, without rebuilding it in the middle of a test run.
    const pack = ok(await runIn(root, npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir]), 'npm pack');
    const info = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    tarball = join(dir, info[0]!.filename);
    const project = join(dir, 'app');
    mkdirSync(project);
    ok(await runIn(project, npm, ['init', '-y']), 'npm init -y');
    ok(await runIn(project, npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], 600_000), 'npm install ranks.tgz');
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the tarball ships the sources its maps point at, the licence and the changelog', () => {
    const pkg = join(dir, 'app', 'node_modules', 'ranks');
    for (const f of ['LICENSE', 'CHANGELOG.md', 'README.md', 'dist/index.js', 'dist/index.d.ts', 'src/index.ts', 'bin/ranks.js']) {
      assert.ok(existsSync(join(pkg, f)), `${f} is in the package`);
    }
    const maps = readdirSync(join(pkg, 'dist'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.map'));
    assert.ok(maps.length > 50, 'source and declaration maps ship');
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(m.parentPath, m.name), 'utf8')) as { sources: string[] };
      for (const s of map.sources) assert.ok(existsSync(join(m.parentPath, s)), `${m.name} points at ${s}, which ships`);
    }
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as Record<string, unknown>;
    for (const k of ['repository', 'bugs', 'homepage', 'license']) assert.ok(manifest[k], `package.json has ${k}`);
  });

  test("the README's first program: npx ranks run -n 4 ring.ts, package.json as npm init -y wrote it", async () => {
    const project = join(dir, 'app');
    const packageJson = readFileSync(join(project, 'package.json'), 'utf8');
    assert.match(packageJson, /"type": "commonjs"/, 'npm init -y wrote "type": "commonjs"');
    const ring = fencedBlocks(readFileSync(join(root, 'README.md'), 'utf8')).find((b) => b.code.startsWith('// ring.ts'));
    assert.ok(ring, "the README's first program");
    writeFileSync(join(project, 'ring.ts'), ring.code);
    for (const transport of ['threads', 'processes']) {
      const r = ok(
        await runIn(project, npx, ['--no-install', 'ranks', 'run', '-n', '4', '--transport', transport, 'ring.ts']),
        `npx ranks run -n 4 --transport ${transport} ring.ts`,
      );
      assert.match(r.stdout, /\{ visited: \[ 0, 1, 2, 3 \] \}/);
    }
    assert.equal(readFileSync(join(project, 'package.json'), 'utf8'), packageJson, 'package.json unchanged');
  });

  // The spelling the README gives for a task module that works both ways:
  // tasks<typeof import('./math.js')>(new URL('./math.js', import.meta.url)) with math.ts
  // beside it. Under tsx, ./math.js is found as math.ts; compiled, math.js exists.
  test('a Pool over a .ts task module runs under tsx and after tsc', async () => {
    const app = join(dir, 'app', 'pool');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2022',
          strict: true,
          outDir: 'dist',
          rootDir: '.',
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(root, 'node_modules', '@types')],
        },
        include: ['*.ts'],
      }),
    );
    writeFileSync(join(app, 'math.ts'), 'export function square(x: number): number {\n  return x * x;\n}\n');
    writeFileSync(
      join(app, 'main.ts'),
      `import { Pool, tasks } from 'ranks';

const math = tasks<typeof import('./math.js')>(new URL('./math.js', import.meta.url));
const pool = new Pool({ size: 2 });
const squares: number[] = await pool.map(math.square, [1, 2, 3]);
console.log('squares', JSON.stringify(squares));
await pool.close();
`,
    );
    const compiled = ok(await runIn(app, process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.']), 'tsc');
    assert.equal(compiled.stdout, '');
    const js = ok(await runIn(app, process.execPath, ['dist/main.js']), 'node dist/main.js');
    assert.match(js.stdout, /squares \[1,4,9\]/);
    const ts = ok(await runIn(app, npx, ['--no-install', 'tsx', 'main.ts']), 'npx tsx main.ts');
    assert.match(ts.stdout, /squares \[1,4,9\]/);
  });
});
