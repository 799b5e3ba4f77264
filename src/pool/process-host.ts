import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serialize } from 'node:v8';
import type { ResourceLimits } from 'node:worker_threads';
import { findUnclonable } from '../codec/clone-path.ts';
import { DataCloneError } from '../errors.ts';
import { INIT_ENV, errorFile, type ErrorReport, type ProcessRankInit, type ToLauncher } from '../transport/processes/messages.ts';
import { FileFlags } from './flags.ts';
import type { WorkerHost } from './host.ts';
import type { Task } from './tasks.ts';
import type { WorkerInit } from './worker-loop.ts';

const entry = fileURLToPath(new URL('./process-worker.js', import.meta.url));
/** Where a worker's stderr ends up in its death notice (a crash or out-of-memory message). */
const TAIL_BYTES = 2048;

/** The files a pool's worker processes read in the pool's folder. */
export const flagsFile = (dir: string): string => join(dir, 'flags');
export const initFile = (dir: string): string => join(dir, 'init.bin');

interface Slot {
  child: ChildProcess;
  /** The exit that follows is wanted (retirement, replacement, close). */
  expected: boolean;
  exited: Promise<number>;
  /** Settles once the worker listens; rejects if it dies first. */
  ready: Promise<void>;
  stderr: string;
}

export interface ProcessHostOptions {
  size: number;
  /** The pool's private folder: sockets, the claim flags, the initializer. */
  dir: string;
  initializer: Task | undefined;
  initArgs: unknown[];
  resourceLimits: ResourceLimits | undefined;
  /** A worker died without being asked to: crash, signal, process.exit, out of memory, failed initializer. */
  onDeath: (rank: number, err: Error) => void;
}

/** node's flags for a worker's resource limits (what worker_threads' resourceLimits mean, for a process). */
function limitFlags(limits: ResourceLimits | undefined): string[] {
  const out: string[] = [];
  if (limits?.maxOldGenerationSizeMb) out.push(`--max-old-space-size=${limits.maxOldGenerationSizeMb}`);
  if (limits?.maxYoungGenerationSizeMb) out.push(`--max-semi-space-size=${Math.max(1, Math.round(limits.maxYoungGenerationSizeMb / 3))}`);
  if (limits?.stackSizeMb) out.push(`--stack-size=${Math.round(limits.stackSizeMb * 1024)}`);
  return out;
}

/**
 * The child processes behind a pool's ranks 1..size (`isolation: 'process'`): starts them,
 * says when each listens and which process is the rank's current one, and replaces one on
 * demand. A worker that crashes, is killed or runs out of memory takes only itself down.
 */
export class ProcessHost implements WorkerHost {
  readonly flags: FileFlags;
  readonly canReplace = true;
  readonly sharesMemory = false;
  private readonly slots: Slot[] = [];
  private ended = false;
  private disposed = false;
  private readonly jobId = `pool-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly options: ProcessHostOptions) {
    const { dir, initializer, initArgs } = options;
    if (initializer) {
      const init: WorkerInit = { module: initializer.module ?? null, name: initializer.name, args: initArgs };
      try {
        writeFileSync(initFile(dir), serialize(init));
      } catch (err) {
        const hit = findUnclonable(initArgs, 'initArgs');
        throw new DataCloneError(hit?.path ?? 'initArgs', hit?.what ?? (err as Error).message);
      }
    }
    this.flags = new FileFlags(flagsFile(dir), options.size);
    process.on('exit', this.atExit);
    for (let rank = 1; rank <= options.size; rank++) this.start(rank);
  }

  /** Settles once `rank`'s current process listens (the transport's gate). */
  ready(rank: number): Promise<void> | undefined {
    return this.slots[rank]?.ready;
  }

  /** The process id of `rank`'s current worker. */
  pid(rank: number): number | undefined {
    return this.slots[rank]?.child.pid;
  }

  postSide(): void {
    throw new DataCloneError('arguments', 'shared memory, which worker processes do not share');
  }

  ref(): void {
    for (const s of this.slots) s?.child.ref();
  }

  exited(rank: number): Promise<number> {
    const s = this.slots[rank]!;
    s.expected = true;
    s.child.ref();
    return s.exited;
  }

  async replace(rank: number, stop = true): Promise<void> {
    const s = this.slots[rank]!;
    s.expected = true;
    s.child.ref();
    if (stop) s.child.kill('SIGKILL');
    await s.exited;
    if (this.ended) return;
    this.start(rank);
    await this.slots[rank]!.ready;
  }

  async terminate(): Promise<void> {
    this.ended = true;
    for (const s of this.slots) {
      if (!s) continue;
      s.expected = true;
      // Whoever awaits the ends is kept alive until they come.
      s.child.ref();
      s.child.kill('SIGKILL');
    }
    await Promise.all(this.slots.map((s) => s?.exited));
  }

  /** Closes the flags file and removes the pool's folder (after the workers ended). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ended = true;
    process.off('exit', this.atExit);
    this.flags.close();
    rmSync(this.options.dir, { recursive: true, force: true });
  }

  // A pool never closed still leaves nothing behind in /dev/shm.
  private readonly atExit = (): void => rmSync(this.options.dir, { recursive: true, force: true });

  private start(rank: number): void {
    const { size, dir, resourceLimits } = this.options;
    this.flags.clear(rank);
    const init: ProcessRankInit = { jobId: this.jobId, rank, size: size + 1, dir, script: entry };
    const child = spawn(process.execPath, [...limitFlags(resourceLimits), entry], {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      env: { ...process.env, [INIT_ENV]: JSON.stringify(init) },
    });
    let listening!: () => void;
    let failed!: (err: Error) => void;
    const slot: Slot = {
      child,
      expected: false,
      exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0)))),
      ready: new Promise((resolve, reject) => ((listening = resolve), (failed = reject))),
      stderr: '',
    };
    slot.ready.catch(() => undefined);
    // Idle workers never keep this process alive (pending results do: rank 0's waits), but
    // one that is starting does, so that whoever waits for it sees it ready.
    child.on('message', (m: ToLauncher) => {
      if (m.type !== 'ready') return;
      listening();
      if (!slot.expected) child.unref();
      child.channel?.unref();
      (child.stderr as { unref?: () => void }).unref?.();
    });
    child.on('error', (err) => failed(err));
    // A worker's stderr is the pool's, and its last lines say why it died.
    child.stderr!.on('data', (d: Buffer) => {
      process.stderr.write(d);
      slot.stderr = (slot.stderr + d.toString()).slice(-TAIL_BYTES);
    });
    child.on('exit', (code, signal) => {
      failed(new Error(`Pool worker ${rank} ended before it started`));
      if (slot.expected) return;
      // Give the pipe a moment to deliver the last words (an out-of-memory report).
      let told = false;
      const report = (): void => {
        if (told) return;
        told = true;
        this.options.onDeath(rank, new Error(`Pool worker ${rank} ${this.why(rank, code, signal, slot.stderr)} while the pool was open`));
      };
      if (child.stderr!.readableEnded) report();
      else {
        const t = setTimeout(report, 100);
        child.stderr!.once('end', () => {
          clearTimeout(t);
          report();
        });
      }
    });
    this.slots[rank] = slot;
  }

  private why(rank: number, code: number | null, signal: NodeJS.Signals | null, stderr: string): string {
    const file = errorFile(this.options.dir, rank);
    try {
      const e = JSON.parse(readFileSync(file, 'utf8')) as ErrorReport;
      rmSync(file, { force: true });
      return `failed: ${e.name}: ${e.message}`;
    } catch {
      // No error report: it was killed, or exited.
    }
    const oom = /out of memory|heap limit/i.test(stderr) ? ' (it ran out of memory)' : '';
    return signal ? `was killed by ${signal}${oom}` : `exited with code ${code}${oom}`;
  }
}
