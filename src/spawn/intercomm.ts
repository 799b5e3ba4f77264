// The intercommunicator spawn hands back (wt-inter's Intercomm, made with makeIntercomm):
// context `c` for it (c + 1: its collectives) and c + 2 for the local group's private
// communicator, which its collectives use for their local steps. Both groups know `c`
// (the parents agreed on it and told the children), so each side makes its private
// communicator without a message: no rank of either group has used c or c + 2.
import { Communicator } from '../comm/communicator.ts';
import type { Group } from '../comm/group.ts';
import { makeIntercomm, type Intercomm } from '../comm/intercomm.ts';
import type { Contexts } from '../comm/options.ts';
import type { Transport } from '../transport/transport.ts';

export type { Intercomm } from '../comm/intercomm.ts';

/** Addresses of the remote group on MPI: never a rank of this MPI_COMM_WORLD (merge compares them with world ranks). */
export const MPI_REMOTE_BASE = 1_000_000;

/** @internal
 * The local group's private communicator at `context + 2` (on MPI a split of `parent`'s
 * communicator, collective over the group: call it on every rank of the group).
 */
export function privateLocal(transport: Transport, parent: number, context: number, group: Group, contexts: Contexts): Communicator {
  transport.derive?.(parent, context + 2, 0, group.rank, group.members);
  contexts.next = Math.max(contexts.next, context + 4);
  return new Communicator(transport, context + 2, group, 'spawn.local', contexts);
}

/** @internal The Intercomm of `context` between `local`'s group and the `remote` addresses. */
export function intercommOf(
  transport: Transport,
  context: number,
  local: Communicator,
  remote: readonly number[],
  low: boolean,
  name: string,
  contexts: Contexts,
): Intercomm {
  return makeIntercomm({ transport, context, local, remote, low, name, contexts });
}
