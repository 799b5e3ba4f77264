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
import { Group } from './group.ts';
import { contextsAfter, type Contexts } from './options.ts';
import { processSpawnedInit } from '../spawn/starter.ts';
import { mpiParent } from '../spawn/mpi.ts';
import type { SpawnedInit } from '../spawn/protocol.ts';
import type { Transport } from '../transport/transport.ts';

let current: Communicator | undefined;
let threads: ThreadsTransport | undefined;
let spawned: { init: SpawnedInit; contexts: Contexts } | undefined;

// A spawned rank's world is its own ranks (the lines the launcher gave them), and its
// contexts start past the intercommunicator's to its parents.
// Context `init.context` is the intercommunicator's, + 2 the private communicator of its
// local group (spawn/intercomm.ts); the world's own start after both.
function worldOf(transport: Transport, init: SpawnedInit | undefined): Communicator {
  if (!init) return new Communicator(transport, 0);
  spawned = { init, contexts: contextsAfter(init.context + 2) };
  return new Communicator(transport, 0, new Group(init.world, transport.rank), 'world', spawned.contexts);
}

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
  if (processes) return (current = worldOf(traceTransport(processes, true), processSpawnedInit()));
  const init = rankInit();
  if (!init && isMainThread && underMpi()) {
    const t = traceTransport(new MpiTransport(), false);
    // A rank started by MPI_Comm_spawn: its parents' intercommunicator at context 2, and
    // its group's private communicator at 4, set up now (collective over both groups).
    const parents = mpiParent(t as MpiTransport, 2);
    if (!parents) return (current = new Communicator(t, 0));
    const world = Array.from({ length: t.size }, (_, i) => i);
    spawned = { init: { world, parents, context: 2 }, contexts: contextsAfter(4) };
    current = new Communicator(t, 0, undefined, 'world', spawned.contexts);
    (t as MpiTransport).derive(0, 4, 0, t.rank, world);
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
  current = worldOf(traceTransport(threads, init !== undefined), init?.spawned);
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

/** @internal What this rank was told as a spawned rank (threads, processes), and its world's contexts. */
export function spawnedWorld(): { init: SpawnedInit; contexts: Contexts } | undefined {
  world();
  return spawned;
}

/** @internal The threads transport behind world(), if one was made. */
export function threadsTransport(): ThreadsTransport | undefined {
  return threads;
}
