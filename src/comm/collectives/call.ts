import { ARRAY_BUFFER, rawKind } from '../../codec/kinds.ts';
import { ANY_TAG } from '../../constants.ts';
import { CollectiveMismatchError, isRanksError } from '../../errors.ts';
import type { TransportOp } from '../../transport/op.ts';
import type { Received, Transport } from '../../transport/transport.ts';
import { opName } from './ops.ts';

/** What the collectives need of a communicator. */
export interface CommCore {
  readonly transport: Transport;
  /** The communicator's collective context (its point-to-point context + 1). */
  readonly collContext: number;
  /** World rank of each member, or undefined when ranks are world ranks. */
  readonly members: readonly number[] | undefined;
  readonly rank: number;
  readonly size: number;
  /** For messages: `world`, `world.dup()`, ... */
  readonly name: string;
}

/** Collectives, numbered for the tag (4 bits). */
export const enum Coll {
  Barrier = 1,
  Bcast,
  Scatter,
  Gather,
  Allgather,
  Alltoall,
  Reduce,
  Allreduce,
  Scan,
  Exscan,
  ReduceScatter,
  Create,
  NeighborAllgather,
  NeighborAlltoall,
  /** Intercomm.merge (its agreement records only; no tag names it). */
  Merge,
}

const NAMES = [
  '',
  'barrier',
  'bcast',
  'scatter',
  'gather',
  'allgather',
  'alltoall',
  'reduce',
  'allreduce',
  'scan',
  'exscan',
  'reduceScatter',
  'dup/split/createCart',
  'neighborAllgather',
  'neighborAlltoall',
  'merge',
];
/** Collectives with a root argument. */
export const ROOTED: ReadonlySet<Coll> = new Set([Coll.Bcast, Coll.Scatter, Coll.Gather, Coll.Reduce]);
const REDUCING = new Set([Coll.Reduce, Coll.Allreduce, Coll.Scan, Coll.Exscan, Coll.ReduceScatter]);

// Tag of a collective message: phase (4 bits) | collective (4) | op (6) | root (16, or
// fewer when the transport's tags are shorter: MPICH's MPI_TAG_UB is 2^28 - 1).
// Everything but the phase names the call, so a rank that receives a message of another
// call knows at once, and can say which.
const ROOT_BITS = 16;

/** Bits of the root field for a transport whose largest tag is `tagUb`. */
function rootBits(tagUb: number | undefined): number {
  if (tagUb === undefined) return ROOT_BITS;
  return Math.max(0, Math.min(ROOT_BITS, Math.floor(Math.log2(tagUb + 1)) - 14));
}

export const EMPTY = new Uint8Array(0);
/** Phase of the agreement messages (agree.ts); their tag names no call. */
const AGREE_PHASE = 15;
export { ARRAY_BUFFER as RAW };
/** The codec kind of a Float64Array. */
export const FLOAT64 = rawKind(new Float64Array(0))!;

function bitsDescription(bits: number, r: number): string {
  const coll = (bits >>> (r + 6)) & 15;
  const op = (bits >>> r) & 63;
  const root = bits & ((1 << r) - 1);
  const args: string[] = [];
  if (REDUCING.has(coll)) args.push(`op=${opName(op)}`);
  if (ROOTED.has(coll)) args.push(`root=${root}`);
  return `${NAMES[coll] ?? `collective #${coll}`}(${args.join(', ')})`;
}

/** The call a tag (or a call's bits) names on this communicator: `reduce(op=SUM, root=0)`. */
export function describeCall(comm: CommCore, bits: number): string {
  const r = rootBits(comm.transport.tagUb);
  return bitsDescription(bits & ((1 << (r + 10)) - 1), r);
}

/** The bits that name a call (collective, op, root) in its tags. */
export function callBits(comm: CommCore, coll: Coll, root: number, op: number): number {
  const r = rootBits(comm.transport.tagUb);
  return (coll << (r + 6)) | (op << r) | (root & ((1 << r) - 1));
}

/** The tag of the agreement messages: the agreement phase, no call. */
export function agreeTag(comm: CommCore): number {
  return AGREE_PHASE << (rootBits(comm.transport.tagUb) + 10);
}

/** A collective's name: `scatter`. */
export function collName(coll: Coll): string {
  return NAMES[coll] ?? `collective #${coll}`;
}

/**
 * One collective call on one rank: sends and receives on the communicator's collective
 * context, with the call written into every tag and checked on every receive.
 */
export class Call {
  readonly rank: number;
  readonly size: number;
  private readonly bits: number;
  private readonly r: number;
  private readonly phaseShift: number;
  private readonly callMask: number;

  constructor(
    readonly comm: CommCore,
    coll: Coll,
    root = 0,
    op = 0,
  ) {
    this.rank = comm.rank;
    this.size = comm.size;
    const r = (this.r = rootBits(comm.transport.tagUb));
    this.phaseShift = r + 10;
    this.callMask = (1 << this.phaseShift) - 1;
    this.bits = (coll << (r + 6)) | (op << r) | (root & ((1 << r) - 1));
  }

  /** The world rank of member `r`. */
  world(r: number): number {
    return this.comm.members ? this.comm.members[r]! : r;
  }

  send(dest: number, phase: number, kind: number, bytes: Uint8Array): TransportOp<void> {
    return this.comm.transport.send(this.comm.collContext, this.world(dest), this.bits | (phase << this.phaseShift), kind, bytes);
  }

  /** The next message from `source` in this collective; its phase is `tag >>> 26`. */
  async recv(source: number, into?: Uint8Array): Promise<Received> {
    const t = this.comm.transport;
    const from = this.world(source);
    let r: Received;
    try {
      r = await t.recv(this.comm.collContext, from, ANY_TAG, into).promise;
    } catch (err) {
      // A message that does not fit may belong to another call: say so rather than "truncated".
      const e = isRanksError(err) ? t.iprobe(this.comm.collContext, from, ANY_TAG) : undefined;
      if (e && (e.tag & this.callMask) !== this.bits) throw this.mismatch(source, e.tag);
      if (e && isRanksError(err) && (err.code === 'ERR_TRUNCATE' || err.code === 'ERR_KIND_MISMATCH')) {
        // The message is this call's: take it, so that it cannot become the next call's data.
        refused.set(err, await t.recv(this.comm.collContext, from, ANY_TAG, undefined).promise);
      }
      throw err;
    }
    if ((r.tag & this.callMask) !== this.bits) throw this.mismatch(source, r.tag);
    return r;
  }

  /** Phase of a received message of this call. */
  phase(r: Received): number {
    return r.tag >>> this.phaseShift;
  }

  private mismatch(source: number, tag: number): CollectiveMismatchError {
    return new CollectiveMismatchError(this.comm.name, [
      { rank: this.rank, call: bitsDescription(this.bits, this.r) },
      { rank: source, call: bitsDescription(tag & this.callMask, this.r) },
    ]);
  }
}

const refused = new WeakMap<object, Received>();

/** The message a collective receive refused (too big for `into`, or not raw), taken off the queue. */
export function refusedMessage(err: unknown): Received | undefined {
  return typeof err === 'object' && err !== null ? refused.get(err) : undefined;
}

/**
 * A receive posted before a send that may take a while (a big payload over a socket):
 * its failure is awaited after the send, and must not count as unhandled meanwhile.
 */
export function early<T>(recv: Promise<T>): Promise<T> {
  recv.catch(() => undefined);
  return recv;
}

/** Resolves when every op has; rejects with the first failure. */
export async function all(ops: readonly TransportOp<void>[]): Promise<void> {
  for (const op of ops) if (!op.done || op.failed) await op.promise;
}
