// Merging an intercommunicator into one intracommunicator (MPI_Intercomm_merge), and the
// reservation of a rank's next communicator-making slot that creation and merge share.
import { checkBoolean } from '../validate.ts';
import { Communicator } from './communicator.ts';
import { Group } from './group.ts';
import { Coll } from './collectives/call.ts';
import { interAgree, said } from './intercomm-agree.ts';
import type { Intercomm } from './intercomm.ts';
import type { Contexts } from './options.ts';

/**
 * @internal
 * Reserves this rank's next communicator-making slot now, in call order (as agreeContext
 * does); the returned function runs `run` once the earlier ones have made theirs.
 */
export function reserve(contexts: Contexts): <T>(run: () => Promise<T>) => Promise<T> {
  const before = contexts.making;
  let made!: () => void;
  contexts.making = new Promise<void>((resolve) => (made = resolve));
  return async (run) => {
    try {
      await before;
      return await run();
    } finally {
      made();
    }
  };
}

/** @internal The body of Intercomm.merge (in the intercommunicator's collective turn). */
export async function merge(ic: Intercomm, contexts: Contexts, high: unknown): Promise<Communicator> {
  const me = said(Coll.Merge, () => ({ high: checkBoolean('high', high), next: contexts.next }));
  const { mine, theirs } = await interAgree(ic, me);
  const context = Math.max(...mine.map((s) => s.next!), ...theirs.map((s) => s.next!));
  contexts.next = Math.max(contexts.next, context + 2);
  const mineHigh = mine[0]!.high!;
  const first = mineHigh === theirs[0]!.high! ? ic.low : !mineHigh;
  const members = first ? [...ic.group.members, ...ic.remoteGroup.members] : [...ic.remoteGroup.members, ...ic.group.members];
  ic.transport.mergeInter?.(ic.context, context, first, members);
  return new Communicator(ic.transport, context, new Group(members, ic.group.self), `${ic.name}.merge()`, contexts);
}
