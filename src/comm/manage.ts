// The bodies of the communicator-management calls of `Communicator` (compare, free, create,
// createGroup, splitType, name): communicator.ts keeps thin delegations to these.
import { hostname } from 'node:os';
import { decode, encode } from '../codec/encode.ts';
import { TAG_UB, UNDEFINED } from '../constants.ts';
import { InvalidArgumentError, InvalidStateError } from '../errors.ts';
import { GROUP_CONTEXT, SELF_CONTEXT, type Transport } from '../transport/transport.ts';
import { checkInteger, checkOneOf, checkString } from '../validate.ts';
import { shapeOf } from './collectives/agree.ts';
import { checkGroup, type Group } from './group.ts';
import type { Contexts } from './options.ts';
import { PointToPoint } from './point-to-point.ts';

/** How two communicators relate (MPI_Comm_compare). */
export type Comparison = 'ident' | 'congruent' | 'similar' | 'unequal';

/** Options of `createGroup`. */
export interface CreateGroupOptions {
  /** Tells apart concurrent `createGroup` calls of overlapping groups (default 0). */
  tag?: number;
}

/** `ident`: the same communicator; `congruent`: same ranks in the same order; `similar`: same ranks; else `unequal`. */
export function compareComms(a: PointToPoint, b: unknown): Comparison {
  if (!(b instanceof PointToPoint)) throw new InvalidArgumentError(`Expected \`other\` to be a Communicator, got ${b === null ? 'null' : typeof b}`);
  const g = a.group.compare(b.group);
  if (g !== 'ident') return g;
  return a.transport === b.transport && a.context === b.context ? 'ident' : 'congruent';
}

/** Frees `comm`: the transport lets its context go, and any later use is ERR_INVALID_STATE. */
export function freeComm(comm: PointToPoint): void {
  if (comm.context === 0 || comm.context === SELF_CONTEXT)
    throw new InvalidStateError(`${comm.name} cannot be freed (MPI_COMM_WORLD and MPI_COMM_SELF live as long as the job)`);
  comm.transport.releaseContext?.(comm.context);
  const name = comm.name;
  const freed = new Proxy({} as Transport, {
    get(_, prop) {
      if (prop === 'name' || prop === 'rank' || prop === 'size' || prop === 'then') return undefined;
      throw new InvalidStateError(`${name} was freed`);
    },
  });
  Object.defineProperty(comm, 'transport', { value: freed, configurable: true });
}

/** Makes `name` a checked, settable property of `comm` (MPI_Comm_set_name). */
export function nameAccessor(comm: object, initial: string): void {
  let name = initial;
  Object.defineProperty(comm, 'name', {
    enumerable: true,
    get: () => name,
    set: (v: unknown) => {
      name = checkString('name', v, true);
    },
  });
}

/** What every rank checks before `create(group)`: its error, the group's shape, and whether it is in. */
export function createPlan(comm: PointToPoint, group: unknown): { error?: unknown; shape?: number; inside: boolean; key: number; members: readonly number[] } {
  try {
    const g = checkSubgroup(comm, group);
    const inside = g.rank !== UNDEFINED;
    return { shape: shapeOf(g.size, ...g.members), inside, key: inside ? g.rank : 0, members: inside ? g.members : [] };
  } catch (error) {
    return { error, inside: false, key: 0, members: [] };
  }
}

function checkSubgroup(comm: PointToPoint, group: unknown): Group {
  const g = checkGroup(group);
  const mine = new Set(comm.group.members);
  if (g.members.some((w) => !mine.has(w)))
    throw new InvalidArgumentError(`Expected \`group\` to be a group of ${comm.name}'s ranks; it has a rank that ${comm.name} lacks`);
  return g;
}

/**
 * @internal
 * The context of the communicator `createGroup` makes: the group's members (and they
 * alone) tell each other their next free context number, their group and any argument
 * error, on a context of its own, so no communicator's traffic mixes with it.
 */
export async function createGroupContext(
  comm: PointToPoint,
  contexts: Contexts,
  group: unknown,
  options: CreateGroupOptions | undefined,
): Promise<{ context: number; group: Group }> {
  const g = checkSubgroup(comm, group);
  if (g.rank === UNDEFINED) throw new InvalidArgumentError(`createGroup: this rank is not a member of \`group\`; only the group's members call it`);
  const t = comm.transport;
  // A bad tag cannot reach the other members (they listen on their own tag): it fails here.
  const tag = checkInteger('tag', options?.tag ?? 0, { min: 0, max: Math.min(t.tagUb ?? TAG_UB, TAG_UB) });
  const before = contexts.making;
  let made!: () => void;
  contexts.making = new Promise<void>((resolve) => (made = resolve));
  try {
    await before;
    const mine = { next: contexts.next, shape: shapeOf(g.size, ...g.members), parent: comm.context };
    const enc = encode(mine);
    const peers = g.members.filter((w) => w !== t.rank);
    const sends = peers.map((w) => t.send(GROUP_CONTEXT, w, tag, enc.kind, enc.bytes).promise);
    const got = await Promise.all(
      peers.map(async (w) => {
        const r = await t.recv(GROUP_CONTEXT, w, tag, undefined).promise;
        return { from: w, ...(decode(r.kind, r.data) as typeof mine) };
      }),
    );
    await Promise.all(sends);
    const odd = got.find((p) => p.shape !== mine.shape || p.parent !== mine.parent);
    if (odd)
      throw new InvalidArgumentError(
        `createGroup on ${comm.name}: group ranks ${g.rank} and ${g.members.indexOf(odd.from)} passed different groups (or called it on different communicators) [every member that sees the difference gets this error]`,
      );
    const context = Math.max(mine.next, ...got.map((p) => p.next));
    contexts.next = context + 2;
    t.deriveGroup?.(comm.context, context, g.members, tag);
    return { context, group: g };
  } finally {
    made();
  }
}

/** The split color of `splitType`: ranks of one host share it (every rank of a threads job shares one). */
export async function sharedColor(comm: PointToPoint & { allgather<T>(v: T): Promise<T[]> }, type: unknown): Promise<number> {
  let mine: string | null = null;
  let error: unknown;
  try {
    checkOneOf('type', type, ['shared']);
    mine = comm.transport.name === 'threads' ? 'threads' : hostname();
  } catch (err) {
    error = err;
  }
  const all = await comm.allgather(mine === null ? String((error as Error).message) : `host:${mine}`);
  const bad = all.findIndex((h) => !h.startsWith('host:'));
  if (bad >= 0) throw new InvalidArgumentError(`${all[bad]} [rank ${bad} of splitType on ${comm.name}; every rank gets this error]`);
  return all.indexOf(`host:${mine}`);
}
