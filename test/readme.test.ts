import assert from 'node:assert/strict';
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { bin, fencedBlocks, root, runIn, scratchProject } from './project-helpers.ts';
import { HANGS } from './helpers.ts';

// The README's code runs as written. Conventions (also said in the README's Install section):
// - A ```ts block runs unless the line before its fence is `<!-- fragment -->` (an excerpt
//   that uses names defined elsewhere; it is not run).
// - Its first line may say how it runs: `// NAME — run with: COMMAND`, where COMMAND is
//   `ranks run -n N NAME` or `npx tsx NAME`. Without one, it runs as `npx tsx main.mts`.
// - ```sh blocks and unlabelled blocks are commands and output shown, not run here (the
//   first screen's two commands are what .ci/run does).
// Blocks run in a scratch project like a fresh `npm init -y` one ("type": "commonjs"),
// with ranks (this checkout) and tsx installed.

/** How a runnable block runs: the file it is written to, and the command. */
export function howToRun(code: string): { file: string; command: string[] } {
  const m = /^\/\/ (\S+) — run with: (.+)$/m.exec(code.split('\n')[0]!);
  if (!m) return { file: 'main.mts', command: ['npx', 'tsx', 'main.mts'] };
  const command = m[2]!.trim().split(/\s+/);
  if (!command.includes(m[1]!)) throw new Error(`The run-with comment does not run its own file: ${code.split('\n')[0]}`);
  return { file: m[1]!, command };
}

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = fencedBlocks(readme);
const runnable = blocks.filter((b) => b.lang === 'ts' && !b.fragment);

describe('README code blocks', { timeout: HANGS }, () => {
  test('the conventions hold: ts blocks are runnable or fragments, at least the first program runs', () => {
    assert.ok(blocks.length > 20, 'README has its code blocks');
    assert.ok(
      runnable.some((b) => b.code.includes("import { world } from 'ranks'") && /run with: ranks run -n 4 ring\.ts/.test(b.code)),
      'the first program is runnable',
    );
    for (const b of blocks) assert.ok(!b.fragment || b.lang === 'ts', `line ${b.line}: only ts blocks are marked as fragments`);
    for (const b of runnable) howToRun(b.code);
  });

  for (const b of runnable) {
    const { file, command } = howToRun(b.code);
    test(`line ${b.line}: ${command.join(' ')}`, async () => {
      const p = scratchProject({ 'package.json': '{ "name": "scratch", "version": "1.0.0", "type": "commonjs" }\n', [file]: b.code });
      try {
        symlinkSync(join(root, 'node_modules', 'tsx'), join(p.dir, 'node_modules', 'tsx'), 'dir');
        const [tool, ...rest] = command[0] === 'npx' ? command.slice(1) : command;
        // `npx ranks ...` and `ranks ...` run this checkout's bin; `npx tsx` runs node with tsx.
        const argv = tool === 'ranks' ? [bin, ...rest] : tool === 'tsx' ? ['--import', 'tsx', ...rest] : undefined;
        assert.ok(argv, `line ${b.line}: no way to run \`${command.join(' ')}\``);
        const r = await runIn(p.dir, process.execPath, argv);
        assert.equal(r.code, 0, `README line ${b.line} failed:\n${r.stdout}\n${r.stderr}`);
        // What a block prints is not compared with its comments; it must not be an error.
        assert.doesNotMatch(r.stderr, /Error/, r.stderr);
      } finally {
        p.remove();
      }
    });
  }
});
