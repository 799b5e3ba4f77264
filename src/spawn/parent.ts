import { world, spawnedWorld } from '../comm/world.ts';
import { Communicator } from '../comm/communicator.ts';
import { intercommOf, privateLocal, type Intercomm } from './intercomm.ts';

let parent: Intercomm | null | undefined;

/**
 * In a rank started by `comm.spawn()`: the Intercomm to the ranks that spawned it (its
 * local group is this rank's world, the remote group the spawning communicator);
 * `null` in a rank nobody spawned (MPI_Comm_get_parent).
 *
 * @example
 * const parent = getParent();
 * if (parent) await parent.send(await parent.recv({ source: 0 }), 0);
 */
export function getParent(): Intercomm | null {
  if (parent !== undefined) return parent;
  const comm = world();
  const s = spawnedWorld();
  if (!s) return (parent = null);
  const t = comm.transport;
  const { context, parents } = s.init;
  // On MPI world() has made the group's private communicator (a collective); elsewhere it needs no message.
  const local =
    t.name === 'mpi' ? new Communicator(t, context + 2, comm.group, 'spawn.local', s.contexts) : privateLocal(t, 0, context, comm.group, s.contexts);
  return (parent = intercommOf(t, context, local, parents, false, 'parent', s.contexts));
}
