// The intercommunicator spawn hands back, made with wt-inter's factory (see
// /work/notes/intercomm-api.md). Until it lands: point-to-point to the remote group.
import type { Contexts } from '../comm/options.ts';
import { PointToPoint } from '../comm/point-to-point.ts';
import type { Group } from '../comm/group.ts';
import type { Transport } from '../transport/transport.ts';

export type Intercomm = PointToPoint & { readonly remoteSize: number };

/** The intercommunicator of `context` between `local` (this rank's group) and `remote`. */
export function intercommOf(transport: Transport, context: number, local: Group, remote: Group, contexts: Contexts): Intercomm {
  const p = new PointToPoint(transport, context, remote, 'spawn', contexts);
  void local;
  return Object.assign(p, { remoteSize: remote.size });
}
