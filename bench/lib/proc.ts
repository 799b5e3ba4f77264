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

/** Under `--load N` (run.ts sets RANKS_BENCH_LOAD) programs get N + 1 times their time limit: they share the cores with N busy loops. */
function loadFactor(): number {
  return 1 + (Number(process.env.RANKS_BENCH_LOAD) || 0);
}

/** What `runJsonLine` read: the parsed last JSON line, or why there is none. */
export type JsonRun = { ok: true; json: unknown; seconds: number; stderrTail: string } | { ok: false; reason: string; seconds: number };

/**
 * Runs `command args`, and parses its last stdout line that starts with `{`. A non-zero
 * exit, a timeout or unparsable output is a failure whose reason quotes the end of stderr.
 */
export function runJsonLine(command: string, args: string[], options: RunOptions): Promise<JsonRun> {
  const start = performance.now();
  const seconds = (): number => (performance.now() - start) / 1000;
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const limitMs = options.timeoutMs * loadFactor();
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, limitMs);
    const fail = (reason: string): void => resolve({ ok: false, reason, seconds: seconds() });
    child.on('error', (err) => {
      clearTimeout(timer);
      fail(`could not start ${command}: ${err.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = withErrorLine(stderr, lastLines(stderr, 5));
      if (timedOut) return fail(`timed out after ${limitMs / 1000} s${tail ? `: ${tail}` : ''}`);
      if (code !== 0) return fail(`exit ${code ?? signal}${tail ? `: ${tail}` : ''}`);
      const line = stdout
        .trim()
        .split('\n')
        .reverse()
        .find((l) => l.startsWith('{'));
      try {
        resolve({ ok: true, json: JSON.parse(line ?? '') as unknown, seconds: seconds(), stderrTail: tail });
      } catch {
        fail(`no JSON result on stdout${tail ? `; stderr: ${tail}` : ''}`);
      }
    });
  });
}

/** Runs a ping-pong program (see `runJsonLine`) and reads its output as a PingPongOutput. */
export async function runJson(name: string, command: string, args: string[], options: RunOptions): Promise<ImplResult> {
  const r = await runJsonLine(command, args, options);
  if (!r.ok) return { name, status: 'failed', reason: r.reason, seconds: r.seconds };
  const out = r.json as Partial<PingPongOutput> | null;
  if (!out || !Array.isArray(out.sizes)) {
    return { name, status: 'failed', reason: `no JSON result on stdout${r.stderrTail ? `; stderr: ${r.stderrTail}` : ''}`, seconds: r.seconds };
  }
  return { name, status: 'ok', library: cleanLibrary(out.library), sizes: out.sizes, seconds: r.seconds };
}

/** A library description on one line, without control characters. */
export function cleanLibrary(library: string | undefined): string | undefined {
  return library?.replace(/[\u0000-\u001f]/g, ' ').trim();
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

/** `tail`, led by stderr's first `…Error: …` or `ERR_…:` line when the tail (a stack trace, say) lacks it. */
function withErrorLine(stderr: string, tail: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => /\b[A-Z]?\w*Error\b.*:|\bERR_[A-Z_]+:/.test(l));
  return line && !tail.includes(line) ? `${line.slice(0, 300)} … ${tail}` : tail;
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ').slice(0, 500);
}
