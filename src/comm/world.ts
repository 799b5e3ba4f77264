import { isMainThread, workerData } from 'node:worker_threads';
import { config } from '../config/config.ts';
import { underMpi } from '../transport/mpi/detect.ts';
import { MpiTransport } from '../transport/mpi/transport.ts';
import { createControl } from '../transport/threads/control.ts';
import type { RankInit } from '../transport/threads/messages.ts';
import { ThreadsTransport } from '../transport/threads/transport.ts';
import { installedTransport } from '../transport/processes/installed.ts';
import { traceTransport } from '../trace/rank.ts';
import { Communicator } from './communicator.ts';

let current: Communicator | undefined;
let threads: ThreadsTransport | undefined;

/** The launcher's description of this rank, when it runs under `ranks run` or `launch()`. */
export function rankInit(): RankInit | undefined {
  if (isMainThread) return undefined;
  const init = (workerData as { ranks?: RankInit } | null)?.ranks;
  return init?.jobId ? init : undefined;
}

/**
 * This rank's COMM_WORLD. Under `ranks run -n N` every rank gets a world of N (threads, or
 * processes with `--transport processes`); under an MPI launcher (`mpiexec -n N node
 * app.js`, `srun`) it is MPI_COMM_WORLD through the MPI transport; run as a plain script it
 * is a world of one (sends to self work).
 *
 * @example
 * const comm = world();
 * console.log(`rank ${comm.rank} of ${comm.size}`);
 */
export function world(): Communicator {
  if (current) return current;
  // A rank process of `--transport processes` (or a process pool's worker).
  const processes = installedTransport();
  if (processes) return (current = new Communicator(traceTransport(processes, true), 0));
  const init = rankInit();
  if (!init && isMainThread && underMpi()) {
    current = new Communicator(traceTransport(new MpiTransport(), false), 0);
    return current;
  }
  const size = init?.size ?? 1;
  // While more ranks are awake than there are cores, they spin less (see progress.ts).
  const c = config();
  threads = new ThreadsTransport({
    rank: init?.rank ?? 0,
    size,
    control: init?.control ?? createControl(1),
    port: init?.port,
    spinMicros: c.spinMicros ?? 100,
    napMicros: c.napMicros,
    ringBytes: c.ringBytes,
  });
  current = new Communicator(traceTransport(threads, init !== undefined), 0);
  return current;
}

let self: Communicator | undefined;

/**
 * This rank's COMM_SELF: a communicator of this rank alone (name 'self').
 *
 * @example
 * const me = commSelf();
 * await me.send('note', 0); await me.recv({ source: 0 });
 */
export function commSelf(): Communicator {
  return (self ??= world().selfComm());
}

/** @internal The threads transport behind world(), if one was made. */
export function threadsTransport(): ThreadsTransport | undefined {
  return threads;
}
