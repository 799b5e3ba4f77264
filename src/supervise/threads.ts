import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort, type ResourceLimits } from 'node:worker_threads';
import { LINKS, READERS, controlCapacity, createControl, retire, slot, wake } from '../transport/threads/control.ts';
import { announceExit, forwardSetup, leftoverOf } from '../transport/threads/hub.ts';
import type { RankInit, ToLauncher, ToRank } from '../transport/threads/messages.ts';
import type { SpawnedInit } from '../spawn/protocol.ts';
import { asError, newJobId } from './exit.ts';
import { SupervisedRank, type Supervisor } from './rank.ts';

/** How to start one rank thread. */
export interface ThreadSpec {
  /** The thread's first module. */
  entry: URL;
  /** What the rank runs (the user's script, or the pool's worker): RankInit.script. */
  script: string;
  /** The thread's name (in inspectors and heap snapshots). */
  name: string;
  /** More workerData beside `ranks` (a pool worker's `pool`). */
  data?: Record<string, unknown>;
  /** Ports in `data`, moved to the thread. */
  transferList?: MessagePort[];
  /** The rank's `process.argv.slice(2)`. */
  argv?: string[];
  /** Pipe the thread's stdout and stderr (handle.worker.stdout) instead of sharing this process's. */
  pipeOutput?: boolean;
  resourceLimits?: ResourceLimits | undefined;
  /** A spawned rank: its own world and its parents (RankInit.spawned). */
  spawned?: SpawnedInit;
}

export interface ThreadSupervisorOptions {
  /** The ranks of the job's world (RankInit.size). */
  size: number;
  /**
   * Lines in the control block: the most ranks the job may ever hold (default `size`).
   * A rank started later (spawn) takes a line between `size` and this.
   */
  capacity?: number;
  /**
   * Whether a rank's end is announced to the others (marked Exited in the control block):
   * a job's ranks see PeerExitedError. A pool replaces a rank instead, so it does not.
   */
  announceExits: boolean;
  /** Keep every ring by receiving rank (`rings`), for the deadlock detector. */
  keepRings?: boolean;
  /** The rank's messages that are not about setup (an abort). */
  onMessage?: (rank: number, m: ToLauncher) => void;
}

/** A rank thread started by a ThreadSupervisor; ready once the thread is online. */
export class ThreadRank extends SupervisedRank {
  /** The last error the thread threw, if it died of one. */
  error: Error | undefined;

  constructor(
    rank: number,
    name: string,
    readonly worker: Worker,
    readonly port: MessagePort,
  ) {
    super(rank, name, worker);
    worker.once('online', () => this.isReady());
    worker.on('error', (err) => (this.error ??= asError(err)));
  }
}

/**
 * The threads transport's supervisor: owns the job's control block and its hub (the
 * channel to each rank through which new rings and segments are handed on), starts rank
 * threads at any time, and says when each is ready and when and why it ended. launch()
 * and thread pools start their ranks here.
 */
export class ThreadSupervisor implements Supervisor<ThreadSpec, ThreadRank> {
  readonly jobId = newJobId();
  readonly control: SharedArrayBuffer;
  readonly ctl: Int32Array;
  /** Every ring forwarded, by receiving rank (with `keepRings`): the deadlock detector looks for unread ones. */
  readonly rings: SharedArrayBuffer[][];
  private readonly ports: (MessagePort | undefined)[] = [];
  private readonly ranks: (ThreadRank | undefined)[] = [];
  /** Each rank's latest scratch segment, handed to a rank started after it was announced. */
  private readonly segments: (Extract<ToLauncher, { type: 'segment' }> | undefined)[] = [];

  constructor(private readonly options: ThreadSupervisorOptions) {
    this.control = createControl(options.capacity ?? options.size);
    this.ctl = new Int32Array(this.control);
    this.rings = options.keepRings ? Array.from({ length: controlCapacity(this.control) }, () => []) : [];
  }

  /**
   * A channel for a rank that runs elsewhere (a pool's rank 0 is the caller's own thread):
   * returns the rank's end, to give its ThreadsTransport; the supervisor forwards its setup.
   */
  attach(rank: number): MessagePort {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (m: ToLauncher) => this.onMessage(rank, m));
    port1.unref();
    this.ports[rank] = port1;
    return port2;
  }

  start(rank: number, spec: ThreadSpec): ThreadRank {
    if (rank >= controlCapacity(this.control)) throw new RangeError(`Rank ${rank} is past the job's control block (${controlCapacity(this.control)} ranks)`);
    if (this.ranks[rank]?.running) throw new Error(`Rank ${rank} is still running`);
    const { port1, port2 } = new MessageChannel();
    const init: RankInit = {
      jobId: this.jobId,
      rank,
      size: this.options.size,
      control: this.control,
      port: port2,
      script: spec.script,
      tagOutput: spec.pipeOutput === true,
      ...(spec.spawned && { spawned: spec.spawned }),
    };
    this.segments[rank] = undefined;
    // The line may have served a rank that ended (STOPPING set): this one's memory may be read.
    Atomics.store(this.ctl, slot(rank, READERS), 0);
    // A rank started late has missed the segments announced before: hand it the latest of each.
    for (const m of this.segments) {
      if (!m || m.from === rank) continue;
      port1.postMessage(m satisfies ToRank);
      Atomics.add(this.ctl, slot(rank, LINKS), 1);
    }
    const worker = new Worker(spec.entry, {
      workerData: { ranks: init, ...spec.data },
      transferList: [port2, ...(spec.transferList ?? [])],
      argv: spec.argv ?? [],
      stdout: spec.pipeOutput === true,
      stderr: spec.pipeOutput === true,
      name: spec.name,
      ...(spec.resourceLimits && { resourceLimits: spec.resourceLimits }),
    });
    const handle = new ThreadRank(rank, spec.name, worker, port1);
    port1.on('message', (m: ToLauncher) => {
      // A rank whose end is expected (a replaced pool worker) must not reach its successor's peers.
      if (!handle.expected) this.onMessage(rank, m);
    });
    // The thread keeps this process alive (or not: handle.unref()), never its channel.
    port1.unref();
    worker.once('exit', (code) => this.onExit(handle, code));
    this.ranks[rank] = handle;
    this.ports[rank] = port1;
    return handle;
  }

  /** Lines in the control block: the most ranks the job may ever hold. */
  get capacity(): number {
    return controlCapacity(this.control);
  }

  get(rank: number): ThreadRank | undefined {
    return this.ranks[rank];
  }

  /** The ranks that still run. */
  running(): ThreadRank[] {
    return this.ranks.filter((h): h is ThreadRank => h?.running === true);
  }

  /** Posts `m` to `rank` on its channel and rings it (it reads its channel when LINKS moves). */
  tell(rank: number, m: ToRank): void {
    const port = this.ports[rank];
    if (!port) return;
    port.postMessage(m);
    Atomics.add(this.ctl, slot(rank, LINKS), 1);
    wake(this.ctl, rank);
  }

  /** Ends `rank`'s thread now (once no rank copies out of its memory); `ended` settles once it has. */
  stop(rank: number): void {
    const handle = this.ranks[rank];
    if (!handle) return;
    retire(this.ctl, rank);
    void handle.worker.terminate();
  }

  private onMessage(rank: number, m: ToLauncher): void {
    if (m.type === 'segment' && m.gen > (this.segments[m.from]?.gen ?? 0)) this.segments[m.from] = m;
    if (!forwardSetup(m, this.ports, this.ctl, this.options.keepRings ? this.rings : undefined)) this.options.onMessage?.(rank, m);
  }

  private onExit(handle: ThreadRank, code: number): void {
    const { rank, port } = handle;
    // What the rank posted just before it ended (a new ring for its last sends) may still
    // be queued behind the exit event: hand it on before the port closes, or it is lost.
    if (!handle.expected) for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) this.onMessage(rank, m.message as ToLauncher);
    if (this.options.announceExits) announceExit(this.ctl, rank, this.ports.length);
    port.close();
    if (this.ports[rank] === port) this.ports[rank] = undefined;
    handle.end({ code, signal: null, error: handle.error, leftover: leftoverOf(this.ctl, rank) });
  }
}
