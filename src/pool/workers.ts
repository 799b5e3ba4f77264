import { MessageChannel, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import type { ThreadRank, ThreadSupervisor } from '../supervise/threads.ts';
import { SharedFlags } from './flags.ts';
import type { WorkerHost } from './host.ts';
import { SupervisedHost } from './supervised-host.ts';
import type { Task } from './tasks.ts';
import type { JobTrace } from '../trace/job.ts';

const entry = new URL('./worker.js', import.meta.url);

/** What a pool worker gets besides its rank: see worker.ts. */
export interface PoolWorkerData {
  /** Argument lists that hold shared memory (Lock, Queue, SharedArrayBuffer...) come this way, not through the ring. */
  side: MessagePort;
  /** Per rank, one line of FLAG_STRIDE slots: see flags.ts. */
  flags: SharedArrayBuffer;
  init: { module: string | null; name: string; args: unknown[] } | null;
}

export interface WorkerHostOptions {
  size: number;
  /** The pool's threads supervisor: rank 0 (this thread) is attached to it by the caller. */
  supervisor: ThreadSupervisor;
  initializer: Task | undefined;
  initArgs: unknown[];
  resourceLimits: ResourceLimits | undefined;
  /** A thread died without being asked to: crash, process.exit, out of memory, failed initializer. */
  onDeath: (rank: number, err: Error) => void;
  /** The pool's trace, when traced: each worker records its lane. */
  trace?: JobTrace | undefined;
}

/**
 * The threads behind a pool's ranks 1..size, started on the pool's ThreadSupervisor (which
 * forwards their setup messages: rings, segments): starts them and replaces one on demand.
 * With `isolation: 'process'` a host of child processes takes this place; the scheduler
 * only sees ranks.
 */
export class ThreadHost extends SupervisedHost<ThreadRank> implements WorkerHost {
  readonly flags: SharedFlags;
  readonly canReplace = true;
  readonly sharesMemory = true;
  /** Per rank, this end of the current thread's side channel. */
  private readonly sides: MessagePort[] = [];

  constructor(private readonly options: WorkerHostOptions) {
    super(options.supervisor, options.size, options.onDeath);
    this.flags = SharedFlags.create(options.size);
    for (let rank = 1; rank <= options.size; rank++) this.start(rank);
  }

  /** Hands argument lists holding shared memory to `rank` by postMessage; throws DataCloneError if they cannot go that way either. */
  postSide(rank: number, calls: unknown[][]): void {
    this.sides[rank]!.postMessage(calls);
  }

  protected restart(rank: number): void {
    this.start(rank);
  }

  private start(rank: number): void {
    const side = new MessageChannel();
    this.flags.clear(rank);
    const { initializer, initArgs, resourceLimits } = this.options;
    const pool: PoolWorkerData = {
      side: side.port2,
      flags: this.flags.view.buffer as SharedArrayBuffer,
      init: initializer ? { module: initializer.module ?? null, name: initializer.name, args: initArgs } : null,
    };
    const traced = this.options.trace?.forThread(rank, `pool worker ${rank}`);
    const h = this.options.supervisor.start(rank, {
      entry,
      script: entry.href,
      name: `pool worker ${rank}`,
      data: { pool, ...traced?.data },
      transferList: [side.port2, ...(traced?.transferList ?? [])],
      resourceLimits,
    });
    side.port1.unref();
    this.sides[rank] = side.port1;
    void h.ended.then(() => side.port1.close());
    this.watch(h, (end) => (end.error ? `failed: ${end.error.message}` : `exited with code ${end.code}`));
    // Idle workers never keep the process alive; pending results do (rank 0's waits).
    h.unref();
  }
}
