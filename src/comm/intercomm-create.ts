// How intercommunicators are made (createIntercomm) and merged (merge). Contexts: the
// leaders agree on one number that no rank of either group has used (the larger of each
// group's next free one); the intercommunicator takes it and the next (collectives), each
// group's private intracommunicator the two after (the groups are disjoint, so both may).
import { decode, encode } from '../codec/encode.ts';
import { TAG_UB } from '../constants.ts';
import { InvalidArgumentError } from '../errors.ts';
import { checkInteger } from '../validate.ts';
import { agree, shapeOf } from './collectives/agree.ts';
import { bcast } from './collectives/bcast.ts';
import { Coll } from './collectives/call.ts';
import { allgather } from './collectives/gather.ts';
import { Communicator } from './communicator.ts';
import { Group } from './group.ts';
import { reserve } from './intercomm-merge.ts';
import { makeIntercomm, type Intercomm } from './intercomm.ts';
import type { Contexts } from './options.ts';

/** Options of `createIntercomm`. */
export interface IntercommOptions {
  /** Tag of the leaders' messages on the peer communicator (default 0); concurrent calls pass different tags. */
  tag?: number;
}

// What a leader tells the other: its group's next free context, its members, its rank in the peer communicator.
interface Hello {
  next: number;
  members: readonly number[];
  peerRank: number;
}

// What a leader tells its group.
interface Told {
  context: number;
  remote: readonly number[];
  low: boolean;
  error?: string;
}

/** @internal The body of Communicator.createIntercomm. */
export function createIntercomm(
  comm: Communicator,
  contexts: Contexts,
  localLeader: number,
  peerComm: Communicator,
  remoteLeader: number,
  options: IntercommOptions | undefined,
): Promise<Intercomm> {
  const t = comm.transport;
  let error: unknown;
  let leader = 0;
  let tag = 0;
  try {
    leader = checkInteger('localLeader', localLeader, { min: 0, max: comm.size - 1 });
    tag = checkInteger('tag', options?.tag ?? 0, { min: 0, max: Math.min(t.tagUb ?? TAG_UB, TAG_UB) });
    if (comm.rank === leader) {
      if (!(peerComm instanceof Communicator))
        throw new InvalidArgumentError(`Expected \`peerComm\` to be a Communicator, got ${peerComm === null ? 'null' : typeof peerComm}`);
      checkInteger('remoteLeader', remoteLeader, { min: 0, max: peerComm.size - 1 });
      if (peerComm.rank === remoteLeader)
        throw new InvalidArgumentError(`Expected \`remoteLeader\` to be another rank of \`peerComm\` than the local leader, got ${remoteLeader} (this rank)`);
    }
  } catch (err) {
    error = err;
  }
  const t0 = comm.transport;
  const slot = reserve(contexts);
  return comm.inTurn(() =>
    slot(async () => {
      // A bad argument fails this group (the remote group's leader then waits, as in MPI).
      await agree(comm, {
        coll: Coll.Create,
        error,
        shape: error === undefined ? shapeOf(leader, tag) : undefined,
        shapeWhat: 'different `localLeader` or `tag` values',
      });
      const nexts = (await allgather(comm, contexts.next, undefined, Coll.Create)) as number[];
      let told: Told | undefined;
      if (comm.rank === leader)
        told = await hello(peerComm, remoteLeader, tag, { next: Math.max(...nexts), members: comm.group.members, peerRank: peerComm.rank });
      told = (await bcast(comm, told, leader)) as Told;
      if (told.error) throw new InvalidArgumentError(`createIntercomm on ${comm.name}: ${told.error} [every rank of both groups gets this error]`);
      contexts.next = Math.max(contexts.next, told.context + 4);
      const atLeader = comm.rank === leader;
      t0.deriveInter?.(
        comm.context,
        comm.world(leader),
        atLeader ? peerComm.context : -1,
        atLeader ? peerComm.world(remoteLeader) : -1,
        tag,
        told.context,
        told.remote,
      );
      const local = privateComm(comm, told.context + 2, contexts, `${comm.name}.createIntercomm().local`);
      return makeIntercomm({
        transport: t0,
        context: told.context,
        local,
        remote: told.remote,
        low: told.low,
        name: `${comm.name}.createIntercomm()`,
        contexts,
      });
    }),
  );
}

// The leaders' exchange, on the peer communicator's collective context with a tag no
// collective uses (collective tags name their call in higher bits).
async function hello(peer: Communicator, remoteLeader: number, tag: number, mine: Hello): Promise<Told> {
  const t = peer.transport;
  const enc = encode(mine);
  const to = peer.world(remoteLeader);
  const sent = t.send(peer.collContext, to, tag & 0xffff, enc.kind, enc.bytes);
  const got = await t.recv(peer.collContext, to, tag & 0xffff, undefined).promise;
  await sent.promise;
  const theirs = decode(got.kind, got.data) as Hello;
  const overlap = theirs.members.filter((w) => mine.members.includes(w));
  const context = Math.max(mine.next, theirs.next);
  if (overlap.length > 0) return { context, remote: [], low: false, error: `the two groups share ranks (world ${overlap.join(', ')}); they must be disjoint` };
  return { context, remote: theirs.members, low: mine.peerRank < theirs.peerRank };
}

// A private intracommunicator of `comm`'s ranks on context `context` (MPI: split of comm).
function privateComm(comm: Communicator, context: number, contexts: Contexts, name: string): Communicator {
  comm.transport.derive?.(comm.context, context, 0, comm.rank, comm.group.members);
  return new Communicator(comm.transport, context, new Group(comm.group.members, comm.group.self), name, contexts);
}
