import { spawn } from 'node:child_process';
import { launch, type LaunchResult } from 'ranks';

/** A fixture script's URL. */
export function fixture(name: string): URL {
  return new URL(`./fixtures/${name}`, import.meta.url);
}

/** Runs a fixture on `size` ranks (threads unless told); fixtures assert inside and throw on failure. */
export function runFixture(name: string, size: number, args: string[] = [], transport: 'threads' | 'processes' = 'threads'): Promise<LaunchResult> {
  return launch({ size, script: fixture(name), args, timeout: HANGS, transport });
}

const bin = new URL('../bin/ranks.js', import.meta.url).pathname;

/** Runs the `ranks` command (with `input` on its standard input, if given); resolves with its exit code and output. */
export function cli(args: string[], timeoutMs = 300_000, input?: string): Promise<Output> {
  return spawnNode([bin, ...args], timeoutMs, input);
}

/** Runs a script with node and tsx, as `npx tsx script ...args` does; resolves with its exit code and output. */
export function tsx(script: string | URL, args: string[] = [], timeoutMs = 300_000): Promise<Output> {
  return spawnNode(['--import', 'tsx', script instanceof URL ? script.pathname : script, ...args], timeoutMs);
}

export interface Output {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnNode(argv: string[], timeoutMs: number, input?: string): Promise<Output> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    child.stdin.end(input ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The hang guard of every test suite: a suite that passes never comes near it, on a quiet
 * machine or a busy one (load average 16 on 2 cores); it only stops one that hangs. Tests
 * assert behaviour, never a duration, so this is large on purpose.
 */
export const HANGS = 600_000;
