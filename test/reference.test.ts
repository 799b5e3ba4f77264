import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { root, runIn } from './project-helpers.ts';
import { HANGS } from './helpers.ts';

// The error codes and RANKS_* variables are documented in one place, the README's
// "Errors and environment" section (also the API reference's front page): every code
// src/errors.ts declares and every RANKS_ variable src reads must appear there.
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('\n## Errors and environment\n'), readme.indexOf('\n## ', readme.indexOf('\n## Errors and environment\n') + 1));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));
}

describe('errors and environment reference', { timeout: HANGS }, () => {
  test('the section exists', () => {
    assert.ok(section.length > 500, 'README has a "## Errors and environment" section');
  });

  test('every error code of src/errors.ts is in the table', () => {
    const errors = readFileSync(join(root, 'src', 'errors.ts'), 'utf8');
    const union = /export type ErrorCode =([^;]+);/.exec(errors);
    assert.ok(union, 'src/errors.ts declares ErrorCode');
    const codes = [...union[1]!.matchAll(/'(ERR_[A-Z_]+)'/g)].map((m) => m[1]!);
    assert.ok(codes.length >= 20);
    const missing = codes.filter((c) => !new RegExp(`^\\| \`${c}\` \\|`, 'm').test(section));
    assert.deepEqual(missing, [], 'codes without a row in the README table');
  });

  test('every RANKS_ variable read in src is in the table', () => {
    const vars = new Set(sources(join(root, 'src')).flatMap((text) => [...text.matchAll(/\bRANKS_[A-Z0-9_]+\b/g)].map((m) => m[0])));
    assert.ok(vars.size >= 5);
    const missing = [...vars].filter((v) => !new RegExp(`^\\| \`${v}\` \\|`, 'm').test(section));
    assert.deepEqual(missing, [], 'variables without a row in the README table');
  });
});

describe('npm run docs', { timeout: HANGS }, () => {
  const typedoc = join(root, 'node_modules', 'typedoc', 'bin', 'typedoc');
  const installed = existsSync(typedoc);
  if (!installed) console.log(`# npm run docs not tested: ${typedoc} is missing (npm install or npm ci installs it)`);
  test('TypeDoc writes the API reference, with the errors and environment tables', { skip: installed ? false : 'typedoc is not installed here' }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'ranks-docs-'));
    try {
      const r = await runIn(root, process.execPath, [typedoc, '--out', out, '--logLevel', 'Error']);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const index = readFileSync(join(out, 'index.html'), 'utf8');
      for (const s of ['ERR_DEADLOCK', 'RANKS_MPI_LIB']) assert.ok(index.includes(s), `index.html mentions ${s}`);
      assert.ok(existsSync(join(out, 'classes', 'Communicator.html')), 'Communicator has a page');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
