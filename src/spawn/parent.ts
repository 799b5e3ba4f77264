import { world, spawnedWorld } from '../comm/world.ts';
import { Group } from '../comm/group.ts';
import { intercommOf, type Intercomm } from './intercomm.ts';

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
  const self = comm.transport.rank;
  return (parent = intercommOf(comm.transport, s.init.context, comm.group, new Group(s.init.parents, s.init.world.length ? self : -1), s.contexts));
}
