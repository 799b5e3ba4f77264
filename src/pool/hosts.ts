import { availableParallelism } from 'node:os';
import type { ResourceLimits } from 'node:worker_threads';
import { Communicator } from '../comm/communicator.ts';
import { CommHost } from './comm-host.ts';
import { ProcessSupervisor } from '../supervise/processes.ts';
import { ThreadSupervisor } from '../supervise/threads.ts';
import { makeJobDir } from '../transport/processes/dir.ts';
import { socketPath } from '../transport/processes/messages.ts';
import { ProcessesTransport } from '../transport/processes/transport.ts';
import { ThreadsTransport } from '../transport/threads/transport.ts';
import type { Transport } from '../transport/transport.ts';
import type { WorkerHost } from './host.ts';
import { ChildHost } from './child-host.ts';
import type { Task } from './tasks.ts';
import { ThreadHost } from './workers.ts';
import { JobTrace } from '../trace/job.ts';
import { tracePool } from '../trace/pool.ts';

/** Rank 0's transport in a pool: it forgets a worker rank that is replaced (see ThreadsTransport.reset). */
export interface PoolTransport extends Transport {
  reset(peer: number, err: Error): void;
}

export interface PoolWorkersOptions {
  size: number;
  isolation: 'thread' | 'process';
  initializer: Task | undefined;
  initArgs: unknown[];
  resourceLimits: ResourceLimits | undefined;
  /** The pool's trace file, if traced. */
  trace?: string | undefined;
  onDeath: (rank: number, err: Error) => void;
}

/**
 * A pool's world: rank 0 (this thread) on the transport that fits the isolation, and the
 * host that runs ranks 1..size: worker threads over shared-memory rings, or child
 * processes over Unix sockets.
 */
export function startWorkers(o: PoolWorkersOptions): { transport: PoolTransport; host: WorkerHost } {
  const trace = o.trace === undefined ? undefined : new JobTrace({ trace: o.trace, profile: undefined }, o.size + 1, `pool (${o.isolation})`);
  const started = startHost(o, trace);
  if (trace) tracePool(started.transport, started.host, trace);
  return started;
}

function startHost(o: PoolWorkersOptions, trace: JobTrace | undefined): { transport: PoolTransport; host: WorkerHost } {
  if (o.isolation === 'process') {
    const dir = makeJobDir();
    const supervisor = new ProcessSupervisor({ dir, size: o.size + 1, announceExits: false });
    const host = new ChildHost({
      size: o.size,
      dir,
      supervisor,
      initializer: o.initializer,
      initArgs: o.initArgs,
      resourceLimits: o.resourceLimits,
      onDeath: o.onDeath,
      trace,
    });
    // Rank 0 listens (in this tick, before any worker has started) and sends to a worker
    // once it listens; it takes connections from each rank's current process only.
    const transport = new ProcessesTransport({
      rank: 0,
      size: o.size + 1,
      address: (r) => socketPath(dir, r),
      ready: (r) => host.ready(r),
      accept: (r, pid) => host.pid(r) === pid,
    });
    const dispose = host.dispose.bind(host);
    host.dispose = () => {
      transport.close();
      dispose();
    };
    return { transport, host };
  }
  const supervisor = new ThreadSupervisor({ size: o.size + 1, announceExits: false });
  // Rank 0 is this thread: its transport reads its end of the hub synchronously.
  const transport = new ThreadsTransport({ rank: 0, size: o.size + 1, control: supervisor.control, port: supervisor.attach(0), spinMicros: 50, napMicros: 0 });
  const host = new ThreadHost({
    size: o.size,
    supervisor,
    initializer: o.initializer,
    initArgs: o.initArgs,
    resourceLimits: o.resourceLimits,
    onDeath: o.onDeath,
    trace,
  });
  return { transport, host };
}

/** What a scheduler works with: its communicator (it is rank 0), the host of ranks 1..size, and how to forget a replaced worker. */
export interface PoolWorld {
  size: number;
  comm: Communicator;
  host: WorkerHost;
  reset: PoolTransport['reset'] | undefined;
}

/**
 * The world of a pool: the other ranks of `comm` when given (a pool over a job's ranks,
 * see comm-host.ts), else `size` workers of the given isolation started here.
 */
export function poolWorld(o: Omit<PoolWorkersOptions, 'size'> & { size: number | undefined; comm: Communicator | undefined }): PoolWorld {
  if (o.comm) return { size: o.comm.size - 1, comm: o.comm, host: new CommHost(o.comm), reset: undefined };
  const size = o.size ?? availableParallelism();
  const { transport, host } = startWorkers({ ...o, size });
  return { size, comm: new Communicator(transport, 0), host, reset: transport.reset.bind(transport) };
}
