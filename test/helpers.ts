import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/** The default hang guard of one spawned command: a command that works never comes near it, even on a busy machine. */
const SPAWN_HANGS = 300_000;

/** Runs the `ranks` command (with `input` on its standard input, if given); resolves with its exit code and output. */
export function cli(args: string[], timeoutMs = SPAWN_HANGS, input?: string): Promise<Output> {
  return spawnOutput(process.execPath, [bin, ...args], { timeoutMs, input: input ?? '' });
}

/** Runs a script with node and tsx, as `npx tsx script ...args` does; resolves with its exit code and output. */
export function tsx(script: string | URL, args: string[] = [], timeoutMs = SPAWN_HANGS): Promise<Output> {
  return spawnOutput(process.execPath, ['--import', 'tsx', script instanceof URL ? script.pathname : script, ...args], { timeoutMs, input: '' });
}

/** What a finished command reports. */
export interface Output {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** How {@link spawnOutput} runs a command. */
export interface SpawnOutputOptions {
  /** Working directory (default: this process's). */
  cwd?: string;
  /** Environment (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** Written to the command's standard input, which is then closed; without it, stdin is /dev/null. */
  input?: string;
  /** Hang guard: the command is killed (with `killSignal`) after this long; default 300 s. */
  timeoutMs?: number;
  /** The signal the hang guard kills with (default SIGTERM). */
  killSignal?: NodeJS.Signals;
}

/** Runs `command` with `args`; resolves with its exit code (null when killed) and its whole stdout and stderr. */
export function spawnOutput(command: string, args: string[], options: SpawnOutputOptions = {}): Promise<Output> {
  const { cwd, env, input, timeoutMs = SPAWN_HANGS, killSignal } = options;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], timeout: timeoutMs, killSignal });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (input !== undefined) {
      // A command that exits without reading its input must not fail the test with EPIPE.
      child.stdin?.on('error', () => {});
      child.stdin?.end(input);
    }
  });
}

/**
 * Resolves once `path` exists: woken by the file system (a watch on its folder), not by
 * polling or a timer, so a test can wait for a task to say it started.
 */
export function fileAppears(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      watcher.close();
      resolve();
    };
    const watcher = watch(dirname(path), () => existsSync(path) && done());
    watcher.on('error', reject);
    if (existsSync(path)) done();
  });
}

/**
 * A file a task makes to say it started (math.spinMarked, math.sleepyMarked), so that the
 * test acts on that event rather than after a guessed delay; `using` removes its folder.
 */
export class StartSign implements Disposable {
  private readonly dir = mkdtempSync(join(tmpdir(), 'ranks-sign-'));
  /** The file the task makes. */
  readonly path = join(this.dir, 'started');
  /** Resolves once the task has made the file. */
  made(): Promise<void> {
    return fileAppears(this.path);
  }
  [Symbol.dispose](): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The hang guard of every test suite: a suite that passes never comes near it, on a quiet
 * machine or a busy one (load average 16 on 2 cores); it only stops one that hangs. Tests
 * assert behaviour, never a duration, so this is large on purpose.
 */
export const HANGS = 600_000;
