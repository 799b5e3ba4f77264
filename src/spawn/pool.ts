// Pools that spawn (mpi4py.futures' MPIPoolExecutor): under `mpiexec -n 1`, a Pool or
// Executor made with `spawn: true` starts its workers with MPI_Comm_spawn (pool-worker.ts)
// and schedules over the merged communicator (itself rank 0, the workers 1..n), as a pool
// over a communicator's ranks does (CommHost). Everything here is blocking MPI calls, so
// the pool is ready when its constructor returns. Elsewhere the option changes nothing:
// the pool starts its workers on this machine's transport.
import { fileURLToPath } from 'node:url';
import { Communicator } from '../comm/communicator.ts';
import { Group } from '../comm/group.ts';
import { commSelf, world } from '../comm/world.ts';
import { SpawnError } from '../errors.ts';
import { CommHost } from '../pool/comm-host.ts';
import type { SchedulerWorld } from '../pool/world.ts';
import type { WorkerHost } from '../pool/host.ts';
import type { WorkerInit } from '../pool/worker-loop.ts';
import { mpi } from '../transport/mpi/bindings.ts';
import type { MpiTransport } from '../transport/mpi/transport.ts';
import { MPI_REMOTE_BASE } from './intercomm.ts';
import { adopt, remoteSize, spawnHandle } from './mpi.ts';

/** Contexts of spawned pools' communicators (MPI maps contexts per process): far from any communicator's. */
let nextContext = 0x7f000000;

/** True when a pool made with `spawn: true` spawns its workers through MPI: this process is an MPI job of one rank. */
export function spawnsThroughMpi(): boolean {
  const w = world();
  return w.transport.name === 'mpi' && w.size === 1;
}

/** Spawns `size` pool workers through MPI and returns the world its scheduler works on. */
export function spawnedPoolWorld(size: number, init: WorkerInit): SchedulerWorld {
  const t = world().transport as MpiTransport;
  const self = commSelf();
  const script = new URL(import.meta.url.endsWith('.ts') ? './pool-worker.ts' : './pool-worker.js', import.meta.url).href;
  const { rc, handle } = spawnHandle(t.channel(self.context).comm, 0, { url: script, args: [JSON.stringify(init)], maxprocs: size });
  if (rc !== 0) throw new SpawnError(`MPI_Comm_spawn of the pool's ${size} worker(s) (${fileURLToPath(script)}) failed: ${mpi().errorString(rc)}`);
  const context = nextContext;
  nextContext += 4;
  const remote = adopt(t, context, handle, remoteSize(handle));
  const members = [t.rank, ...remote];
  t.mergeInter!(context, context + 2, true, members);
  const comm = new Communicator(t, context + 2, new Group(members, t.rank), 'spawned pool');
  // Once the workers have left: free both communicators (the workers do too), so MPI_Finalize has nothing left to wait for.
  const host: WorkerHost = Object.assign(new CommHost(comm), {
    dispose: () => {
      t.releaseContext(context + 2);
      t.releaseContext(context);
    },
  });
  return { size, comm, host, reset: undefined };
}

/** In a spawned pool worker: the merged communicator (its parent rank 0, the workers 1..n). */
export function poolWorkerComm(parentContext: number, next: { next: number }): Communicator {
  const t = world().transport as MpiTransport;
  const context = next.next;
  next.next += 2;
  const members = [MPI_REMOTE_BASE, ...Array.from({ length: t.size }, (_, i) => i)];
  t.mergeInter!(parentContext, context, false, members);
  return new Communicator(t, context, new Group(members, t.rank), 'spawned pool');
}
