// Scratch projects for the new-user tests: a temporary folder laid out as a user's project,
// and a way to run commands in it.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnOutput, type Output } from './helpers.ts';

/** The repository root. */
export const root = fileURLToPath(new URL('..', import.meta.url));
/** The `ranks` command of this checkout. */
export const bin = join(root, 'bin', 'ranks.js');

/** What a finished command reports. */
export type Run = Output;

/**
 * A temporary project folder holding `files` (path → content); with `linkRanks`, its
 * node_modules/ranks is this checkout, as if installed. Removed by the returned `remove`.
 */
export function scratchProject(files: Record<string, string>, linkRanks = true): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ranks-project-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  if (linkRanks) {
    mkdirSync(join(dir, 'node_modules'), { recursive: true });
    symlinkSync(root, join(dir, 'node_modules', 'ranks'), 'dir');
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `command` with `args` in `cwd`; resolves with its exit code and output (a hang guard kills it after `timeoutMs`, 300 s unless told). */
export function runIn(cwd: string, command: string, args: string[], timeoutMs?: number, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return spawnOutput(command, args, { cwd, env, timeoutMs });
}

/** A fenced code block of a Markdown text. */
export interface Block {
  line: number;
  lang: string;
  code: string;
  fragment: boolean;
}

/** Every fenced block of a Markdown text, with the line its fence is on. */
export function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !/^\s*```\s*$/.test(lines[i]!)) body.push(lines[i]!.slice(open[1]!.length));
    blocks.push({ line: start + 1, lang: open[2]!, code: body.join('\n') + '\n', fragment: lines[start - 1]?.trim() === '<!-- fragment -->' });
  }
  return blocks;
}
