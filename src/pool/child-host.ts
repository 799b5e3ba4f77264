import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { serialize } from 'node:v8';
import type { ResourceLimits } from 'node:worker_threads';
import { findUnclonable } from '../codec/clone-path.ts';
import { DataCloneError } from '../errors.ts';
import type { ProcessRank, ProcessSupervisor } from '../supervise/processes.ts';
import type { RankEnd } from '../supervise/rank.ts';
import { FileFlags } from './flags.ts';
import type { WorkerHost } from './host.ts';
import { SupervisedHost } from './supervised-host.ts';
import type { Task } from './tasks.ts';
import type { WorkerInit } from './worker-loop.ts';
import type { JobTrace } from '../trace/job.ts';

const entry = fileURLToPath(new URL('./child-worker.js', import.meta.url));
/** Where a worker's stderr ends up in its death notice (a crash or out-of-memory message). */
const TAIL_BYTES = 2048;

/** The files a pool's worker processes read in the pool's folder. */
export const flagsFile = (dir: string): string => join(dir, 'flags');
export const initFile = (dir: string): string => join(dir, 'init.bin');

export interface ProcessHostOptions {
  size: number;
  /** The pool's private folder: sockets, the claim flags, the initializer. */
  dir: string;
  /** The pool's processes supervisor, over `dir`. */
  supervisor: ProcessSupervisor;
  initializer: Task | undefined;
  initArgs: unknown[];
  resourceLimits: ResourceLimits | undefined;
  /** A worker died without being asked to: crash, signal, process.exit, out of memory, failed initializer. */
  onDeath: (rank: number, err: Error) => void;
  /** The pool's trace, when traced: each worker records its lane. */
  trace?: JobTrace | undefined;
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
export class ChildHost extends SupervisedHost<ProcessRank> implements WorkerHost {
  readonly flags: FileFlags;
  readonly canReplace = true;
  readonly sharesMemory = false;
  private disposed = false;

  constructor(private readonly options: ProcessHostOptions) {
    super(options.supervisor, options.size, options.onDeath);
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
    return this.ranks.get(rank)?.ready;
  }

  /** The process id of `rank`'s current worker. */
  pid(rank: number): number | undefined {
    return this.ranks.get(rank)?.child.pid;
  }

  postSide(): void {
    throw new DataCloneError('arguments', 'shared memory, which worker processes do not share');
  }

  /** A fresh worker is started once it listens. */
  protected restart(rank: number): Promise<void> {
    return this.start(rank).ready;
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

  private start(rank: number): ProcessRank {
    this.flags.clear(rank);
    const h = this.options.supervisor.start(rank, {
      entry,
      name: `Pool worker ${rank}`,
      script: entry,
      execArgv: limitFlags(this.options.resourceLimits),
      stdio: ['ignore', 'inherit', 'pipe'],
      ...(this.options.trace && { env: this.options.trace.forProcess(rank, `pool worker ${rank}`) }),
    });
    const { child } = h;
    let stderr = '';
    // Idle workers never keep this process alive (pending results do: rank 0's waits), but
    // one that is starting does, so that whoever waits for it sees it ready.
    void h.ready.then(
      () => {
        if (!h.expected) h.unref();
        child.channel?.unref();
        (child.stderr as { unref?: () => void }).unref?.();
      },
      () => undefined,
    );
    // A worker's stderr is the pool's, and its last lines say why it died.
    child.stderr!.on('data', (d: Buffer) => {
      process.stderr.write(d);
      stderr = (stderr + d.toString()).slice(-TAIL_BYTES);
    });
    // Give the pipe a moment to deliver the last words (an out-of-memory report).
    this.watch(h, async (end) => {
      await endOf(child.stderr!, 100);
      return why(end, stderr);
    });
    return h;
  }
}

/** Resolves once `stream` has ended, or after `ms` (whatever still holds the pipe open). */
function endOf(stream: Readable, ms: number): Promise<void> {
  if (stream.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    stream.once('end', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/** Why a worker ended, for its death notice: the error it reported, else its signal or exit code (and whether it ran out of memory). */
function why(end: RankEnd, stderr: string): string {
  if (end.error) return `failed: ${end.error.name}: ${end.error.message}`;
  const oom = /out of memory|heap limit/i.test(stderr) ? ' (it ran out of memory)' : '';
  return end.signal ? `was killed by ${end.signal}${oom}` : `exited with code ${end.code}${oom}`;
}
