import { MessageChannel, Worker, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { forwardSetup } from '../launch/hub.ts';
import type { RankInit, ToLauncher } from '../transport/threads/messages.ts';
import { SharedFlags } from './flags.ts';
import type { WorkerHost } from './host.ts';
import type { Task } from './tasks.ts';

const entry = new URL('./worker.js', import.meta.url);

/** What a pool worker gets besides its rank: see worker.ts. */
export interface PoolWorkerData {
  /** Argument lists that hold shared memory (Lock, Queue, SharedArrayBuffer...) come this way, not through the ring. */
  side: MessagePort;
  /** Per rank, one line of FLAG_STRIDE slots: see flags.ts. */
  flags: SharedArrayBuffer;
  init: { module: string | null; name: string; args: unknown[] } | null;
}

interface Slot {
  worker: Worker;
  side: MessagePort;
  /** The exit that follows is wanted (retirement, replacement, close); its setup messages are dropped from then on. */
  expected: boolean;
  exited: Promise<number>;
}

export interface WorkerHostOptions {
  size: number;
  control: SharedArrayBuffer;
  /** Rank 0's end of the hub, set up by the caller. */
  zero: MessagePort;
  initializer: Task | undefined;
  initArgs: unknown[];
  resourceLimits: ResourceLimits | undefined;
  /** A thread died without being asked to: crash, process.exit, out of memory, failed initializer. */
  onDeath: (rank: number, err: Error) => void;
}

/**
 * The threads behind a pool's ranks 1..size: starts them, forwards their setup messages
 * (rings, segments) and replaces one on demand. With `isolation: 'process'` a host of
 * child processes takes this place; the scheduler only sees ranks.
 */
export class ThreadHost implements WorkerHost {
  readonly flags: SharedFlags;
  readonly canReplace = true;
  readonly sharesMemory = true;
  private readonly slots: Slot[] = [];
  private readonly ports: (MessagePort | undefined)[];
  private readonly ctl: Int32Array;
  private ended = false;
  private readonly jobId = `pool-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(private readonly options: WorkerHostOptions) {
    this.ctl = new Int32Array(options.control);
    this.flags = SharedFlags.create(options.size);
    this.ports = [options.zero];
    options.zero.on('message', (m: ToLauncher) => void forwardSetup(m, this.ports, this.ctl));
    options.zero.unref();
    for (let rank = 1; rank <= options.size; rank++) this.start(rank);
  }

  /** Hands argument lists holding shared memory to `rank` by postMessage; throws DataCloneError if they cannot go that way either. */
  postSide(rank: number, calls: unknown[][]): void {
    this.slots[rank]!.side.postMessage(calls);
  }

  /** Keeps the process alive until the workers end (after close). */
  ref(): void {
    for (const s of this.slots) s?.worker.ref();
  }

  /** Resolves when `rank`'s thread has ended, as asked (a stop message or `replace`). */
  exited(rank: number): Promise<number> {
    const s = this.slots[rank]!;
    s.expected = true;
    // An unref'd worker's exit would not keep the process alive for whoever waits on it.
    s.worker.ref();
    return s.exited;
  }

  /** Ends `rank`'s thread now if it still runs and starts a fresh one; resolves once it is started. */
  async replace(rank: number, stop = true): Promise<void> {
    const s = this.slots[rank]!;
    s.expected = true;
    s.worker.ref();
    if (stop) void s.worker.terminate();
    await s.exited;
    if (!this.ended) this.start(rank);
  }

  /** Ends every thread now. */
  async terminate(): Promise<void> {
    this.ended = true;
    for (const s of this.slots) if (s) s.expected = true;
    await Promise.all(this.slots.map((s) => s?.worker.terminate()));
  }

  private start(rank: number): void {
    const { port1, port2 } = new MessageChannel();
    const side = new MessageChannel();
    this.flags.clear(rank);
    const { size, control, initializer, initArgs, resourceLimits } = this.options;
    const init: RankInit = { jobId: this.jobId, rank, size: size + 1, control, port: port2, script: entry.href, tagOutput: false };
    const pool: PoolWorkerData = {
      side: side.port2,
      flags: this.flags.view.buffer as SharedArrayBuffer,
      init: initializer ? { module: initializer.module ?? null, name: initializer.name, args: initArgs } : null,
    };
    const worker = new Worker(entry, { workerData: { ranks: init, pool }, transferList: [port2, side.port2], name: `pool worker ${rank}`, ...(resourceLimits && { resourceLimits }) });
    let died: Error | undefined;
    const slot: Slot = { worker, side: side.port1, expected: false, exited: new Promise((resolve) => worker.once('exit', resolve)) };
    port1.on('message', (m: ToLauncher) => {
      // A replaced thread's last words must not reach the new one's peers.
      if (!slot.expected) forwardSetup(m, this.ports, this.ctl);
    });
    port1.unref();
    side.port1.unref();
    worker.on('error', (err) => (died ??= err instanceof Error ? err : new Error(String(err))));
    worker.on('exit', (code) => {
      port1.close();
      side.port1.close();
      if (slot.expected) return;
      const why = died ? `failed: ${died.message}` : `exited with code ${code}`;
      this.options.onDeath(rank, Object.assign(new Error(`Pool worker ${rank} ${why} while the pool was open`), { cause: died }));
    });
    // Idle workers never keep the process alive; pending results do (rank 0's waits).
    worker.unref();
    this.slots[rank] = slot;
    this.ports[rank] = port1;
  }
}
