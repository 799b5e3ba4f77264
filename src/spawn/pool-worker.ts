// A worker of a pool that spawns (spawn/pool.ts), started by MPI_Comm_spawn through
// mpi-child.ts: merges with its parent (which is rank 0 of the merged communicator), then
// serves tasks as a pool over a communicator's ranks does, until the pool closes.
// argv: the pool's initializer (JSON).
import { spawnedWorld, world } from '../comm/world.ts';
import { NO_FLAGS } from '../pool/flags.ts';
import { serve, type WorkerInit } from '../pool/worker-loop.ts';
import { poolWorkerComm } from './pool.ts';

world();
const spawned = spawnedWorld();
if (!spawned) throw new Error('A spawned pool worker is started by its pool (spawn: true under mpiexec -n 1)');
const comm = poolWorkerComm(spawned.init.context, spawned.contexts);
const init = JSON.parse(process.argv[2] ?? 'null') as WorkerInit;
await serve(
  comm,
  NO_FLAGS,
  init,
  () => {
    throw new Error('Arguments holding shared memory never reach a spawned pool worker');
  },
  { bye: true },
);
const t = comm.transport;
t.releaseContext?.(comm.context);
t.releaseContext?.(spawned.init.context);
