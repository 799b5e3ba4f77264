// Running one benchmark program as a child process and reading its JSON result.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import type { ImplResult, PingPongOutput } from './types.ts';

/** Options of `runJson`. */
export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Kills the program (and reports it failed) after this many milliseconds. */
  timeoutMs: number;
}

/**
 * Runs `command args`, and reads its last stdout line that starts with `{` as a
 * PingPongOutput. A non-zero exit, a timeout or unparsable output is a 'failed' result
 * whose reason quotes the end of stderr.
 */
export function runJson(name: string, command: string, args: string[], options: RunOptions): Promise<ImplResult> {
  const start = performance.now();
  const seconds = (): number => (performance.now() - start) / 1000;
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    const fail = (reason: string): void => resolve({ name, status: 'failed', reason, seconds: seconds() });
    child.on('error', (err) => {
      clearTimeout(timer);
      fail(`could not start ${command}: ${err.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = lastLines(stderr, 3);
      if (timedOut) return fail(`timed out after ${options.timeoutMs / 1000} s${tail ? `: ${tail}` : ''}`);
      if (code !== 0) return fail(`exit ${code ?? signal}${tail ? `: ${tail}` : ''}`);
      const line = stdout.trim().split('\n').reverse().find((l) => l.startsWith('{'));
      try {
        const out = JSON.parse(line ?? '') as PingPongOutput;
        if (!Array.isArray(out.sizes)) throw new Error('no sizes');
        const library = out.library?.replace(/[\u0000-\u001f]/g, ' ').trim();
        resolve({ name, status: 'ok', library, sizes: out.sizes, seconds: seconds() });
      } catch {
        fail(`no JSON result on stdout${tail ? `; stderr: ${tail}` : ''}`);
      }
    });
  });
}

/** Where `command` is on PATH, or undefined. */
export function which(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return join(dir, command);
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/** Runs a short command synchronously; stdout+stderr and whether it exited 0. */
export function capture(command: string, args: string[], env?: NodeJS.ProcessEnv): { ok: boolean; output: string } {
  const r = spawnSync(command, args, { encoding: 'utf8', env: env ?? process.env, timeout: 60_000 });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() };
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ').slice(0, 400);
}
