// The step every intercommunicator collective runs first: each rank's record (which call,
// its root, op or `high`, its argument error, and its payload, encoded) travels to every
// rank of both groups: one allgather in the local group, one exchange between the two
// leaders (local rank 0 of each group), one bcast in the local group. Every rank then
// reaches the same verdict from the same records, so a bad argument, or groups that
// disagree about the call or its root, give the same coded error on every rank of both
// groups; the collectives then take their results from the records (intercomm-collectives.ts).
import { decode, encode, type Encoded } from '../codec/encode.ts';
import { PROC_NULL, ROOT } from '../constants.ts';
import {
  ArgumentRangeError,
  CollectiveMismatchError,
  DataCloneError,
  InvalidArgumentError,
  InvalidStateError,
  isRanksError,
  type ErrorCode,
} from '../errors.ts';
import { bcast } from './collectives/bcast.ts';
import { Coll, ROOTED, collName } from './collectives/call.ts';
import { allgather } from './collectives/gather.ts';
import type { Communicator } from './communicator.ts';
import type { PointToPoint } from './point-to-point.ts';

/** One rank's record. */
export interface Said {
  coll: Coll;
  /** Rooted calls: ROOT, PROC_NULL or a rank of the remote group. */
  root?: number;
  /** Reducing calls: the op's code. */
  op?: number;
  /** merge: this rank's `high`. */
  high?: boolean;
  /** merge: this rank's next free context. */
  next?: number;
  /** This rank's argument error. */
  err?: { code: ErrorCode; message: string };
  /** This rank's payload. */
  ride?: Encoded;
}

/** What an intercommunicator collective needs of its Intercomm. */
export interface InterCore extends PointToPoint {
  /** @internal */ readonly localComm: Communicator;
  /** @internal */ readonly low: boolean;
  readonly remoteSize: number;
}

/** Tag of the leaders' exchange on the intercommunicator's collective context. */
const AGREE_TAG = 1;

/** The record of a rank whose arguments failed `check` (or that has none to add). */
export function said(coll: Coll, fill: () => Omit<Said, 'coll'>): Said {
  try {
    return { coll, ...fill() };
  } catch (err) {
    const code: ErrorCode = isRanksError(err) ? err.code : 'ERR_INVALID_ARG';
    return { coll, err: { code, message: err instanceof Error ? err.message : String(err) } };
  }
}

/** Encodes a payload, or throws its coded error (DataCloneError). */
export function ride(value: unknown): Encoded {
  return encode(value);
}

/** Decodes a record's payload. */
export function unride(s: Said | undefined): unknown {
  // A copy: the bytes may sit at any offset of a larger message, and TypedArrays need their alignment.
  return s?.ride ? decode(s.ride.kind, s.ride.bytes.slice()) : undefined;
}

/**
 * Every rank's record, its own group's (`mine`) and the remote group's (`theirs`), in
 * rank order; rejects with the verdict's coded error on every rank of both groups.
 */
export async function interAgree(ic: InterCore, me: Said): Promise<{ mine: Said[]; theirs: Said[] }> {
  // The local comm is the intercomm's own, used in its turn only: its collectives run
  // without their own agreement (this step is the agreement).
  const mine = (await allgather(ic.localComm, me, undefined)) as Said[];
  let theirs: Said[] | undefined;
  if (ic.rank === 0) {
    const t = ic.transport;
    const enc = encode(mine);
    const sent = t.send(ic.collContext, ic.world(0), AGREE_TAG, enc.kind, enc.bytes);
    const got = await t.recv(ic.collContext, ic.world(0), AGREE_TAG, undefined).promise;
    await sent.promise;
    theirs = decode(got.kind, got.data) as Said[];
  }
  const all = (await bcast(ic.localComm, theirs, 0)) as Said[];
  const err = verdict(ic, me.coll, mine, all);
  if (err) throw err;
  return { mine, theirs: all };
}

// The same facts, seen from either group, give the same error: the low group's records come first.
function verdict(ic: InterCore, coll: Coll, mine: Said[], theirs: Said[]): Error | undefined {
  const groups: [[string, Said[]], [string, Said[]]] = ic.low
    ? [
        ['low', mine],
        ['high', theirs],
      ]
    : [
        ['low', theirs],
        ['high', mine],
      ];
  const where = `${collName(coll)} on ${ic.name}`;
  for (const [g, records] of groups) {
    const r = records.findIndex((s) => s.err);
    if (r >= 0) return rebuild(records[r]!.err!, `[rank ${r} of the ${g} group's; every rank of both groups gets this error]`);
  }
  const ref = groups[0][1][0]!;
  const call = (s: Said): string => `${collName(s.coll)}${s.op !== undefined ? `(op #${s.op})` : '()'}`;
  for (const [g, records] of groups) {
    const r = records.findIndex((s) => s.coll !== ref.coll || s.op !== ref.op);
    if (r >= 0)
      return new CollectiveMismatchError(ic.name, [
        { rank: r, call: `${call(records[r]!)} (${g} group)` },
        { rank: 0, call: `${call(ref)} (low group)` },
      ]);
  }
  const [a, b] = [groups[0][1], groups[1][1]];
  if (ROOTED.has(coll)) return rootVerdict(where, a, b);
  if (coll === Coll.Merge) {
    for (const [g, records] of groups)
      if (records.some((s) => s.high !== records[0]!.high))
        return new InvalidArgumentError(
          `${where}: the ranks of the ${g} group passed different \`high\` values; each group passes one [every rank of both groups gets this error]`,
        );
  }
  return undefined;
}

// One group is the root's: one rank passes ROOT, the others PROC_NULL. Every rank of the
// other group passes the root's rank in the root's group.
function rootVerdict(where: string, a: Said[], b: Said[]): Error | undefined {
  const isRootSide = (records: Said[]): boolean => records.some((s) => s.root === ROOT || s.root === PROC_NULL);
  const bad = (text: string): Error => new InvalidArgumentError(`${where}: ${text} [every rank of both groups gets this error]`);
  for (const records of [a, b])
    if (isRootSide(records) && records.some((s) => s.root! >= 0))
      return bad("a group mixes ROOT or PROC_NULL with rank numbers; the root group passes ROOT (the root) and PROC_NULL, the other group the root's rank");
  if (isRootSide(a) === isRootSide(b))
    return bad(
      isRootSide(a)
        ? "both groups passed ROOT or PROC_NULL; the other group passes the root's rank in the root group"
        : "neither group passed ROOT; in the root's group the root passes ROOT and the others PROC_NULL",
    );
  const [rootSide, other] = isRootSide(a) ? [a, b] : [b, a];
  const roots = rootSide.map((s, i) => (s.root === ROOT ? i : -1)).filter((i) => i >= 0);
  if (roots.length !== 1) return bad(`${roots.length} ranks of the root group passed ROOT; exactly one does`);
  const named = new Set(other.map((s) => s.root));
  if (named.size !== 1) return bad(`the ranks of the other group passed different roots (${[...named].join(', ')})`);
  if (other[0]!.root !== roots[0]) return bad(`the other group passed root ${other[0]!.root}, but rank ${roots[0]} of the root group passed ROOT`);
  return undefined;
}

/** The record's error, as the coded error it was. */
function rebuild(e: { code: ErrorCode; message: string }, note: string): Error {
  const message = `${e.message} ${note}`;
  switch (e.code) {
    case 'ERR_OUT_OF_RANGE':
      return new ArgumentRangeError(message);
    case 'ERR_INVALID_STATE':
      return new InvalidStateError(message);
    case 'ERR_DATA_CLONE': {
      const err = new DataCloneError('value', 'it');
      Object.defineProperty(err, 'message', { value: message });
      return err;
    }
    default:
      return new InvalidArgumentError(message);
  }
}
