// Shared-memory collectives for transports whose ranks share memory (threads). Each
// rank owns one scratch segment that every rank can read. A writer may reuse its
// segment only after every reader of the previous use has released it: readers send a
// release message on SEGMENT_CONTEXT, and `acquire` collects those first.
import { bytesOf, decode } from '../../codec/encode.ts';
import { isValueKind, kindName } from '../../codec/kinds.ts';
import { config } from '../../config/config.ts';
import { ANY_SOURCE } from '../../constants.ts';
import { InvalidArgumentError, KindMismatchError, TruncationError } from '../../errors.ts';
import { SEGMENT_CONTEXT, type SharedSegments, type Transport } from '../../transport/transport.ts';
import { oneCopy } from '../../transport/libc.ts';
import { bulkable } from '../../transport/threads/bulk.ts';
import { Call, EMPTY, RAW, all, type CommCore } from './call.ts';
import { allocLike, type Op as ReduceOp, type TypedArray } from './ops.ts';

/** Message phases of the shared-memory algorithms (the p2p ones use 0). */
export const CTRL = 1;
export const DONE = 2;
const RELEASE_TAG = 0;
/** Bcast copies and announces this many bytes at a time, so receivers copy while the root does. */
const CHUNK = 1 << 20;
/** Elements a reduction combines at a time (all its terms, then its copy into the segment), sized for a core's cache. */
const REDUCE_BLOCK = 8192;

interface Owner {
  /** Releases still owed for this rank's segment. */
  owed: number;
  /** Grants of the segment happen one at a time. */
  chain: Promise<unknown>;
}
const owners = new WeakMap<Transport, Owner>();

/**
 * True when a bcast of `bytes` between two ranks should be one point-to-point message: on
 * threads with one copy (transport/libc.ts) the receiver copies straight from the root's
 * buffer, half each, where the segment path copies everything twice.
 */
export function pairDirect(comm: CommCore, bytes: number): boolean {
  return comm.size === 2 && comm.transport.segments !== undefined && bulkable(bytes) && oneCopy() !== null;
}

/** The transport's segments when a payload of `bytes` should use them. */
export function shmFor(comm: CommCore, bytes: number): SharedSegments | undefined {
  // Payloads from RANKS_SHM_MIN_KIB up take the shared-memory algorithms.
  return comm.size > 1 && bytes > 0 && bytes >= config().shmMinBytes ? comm.transport.segments : undefined;
}

/**
 * This rank's segment with room for `bytes`, once every earlier reader has released it;
 * `readers` more releases will be owed for this use.
 */
function acquire(t: Transport, bytes: number, readers: number): Promise<{ data: Uint8Array; gen: number }> {
  let o = owners.get(t);
  if (!o) owners.set(t, (o = { owed: 0, chain: Promise.resolve() }));
  const owner = o;
  const grant = owner.chain.then(async () => {
    for (; owner.owed > 0; owner.owed--) await t.recv(SEGMENT_CONTEXT, ANY_SOURCE, RELEASE_TAG, undefined).promise;
    owner.owed = readers;
    return t.segments!.mine(bytes);
  });
  owner.chain = grant.catch(() => {});
  return grant;
}

function release(t: Transport, owner: number): void {
  t.send(SEGMENT_CONTEXT, owner, RELEASE_TAG, RAW, EMPTY);
}

function ctrl(...values: number[]): Uint8Array {
  return bytesOf(new Float64Array(values));
}

function readCtrl(data: Uint8Array): number[] {
  return Array.from(new Float64Array(data.slice(0, data.byteLength).buffer));
}

/** Root side of bcast: copy into the segment chunk by chunk, announcing each down the tree. */
export async function bcastRoot(c: Call, kind: number, bytes: Uint8Array, children: number[]): Promise<void> {
  const t = c.comm.transport;
  const n = bytes.byteLength;
  const seg = await acquire(t, n, c.size - 1);
  const sends = [];
  for (let off = 0; off < n;) {
    const end = Math.min(n, off + CHUNK);
    seg.data.set(bytes.subarray(off, end), off);
    const msg = ctrl(seg.gen, n, kind, end);
    for (const ch of children) sends.push(c.send(ch, CTRL, RAW, msg));
    off = end;
  }
  await all(sends);
}

/**
 * Non-root side of bcast, after the first announcement arrived from `parent`: forward
 * each announcement, copy each chunk out of the root's segment, then release it.
 */
export async function bcastLeaf(c: Call, root: number, first: Uint8Array, parent: number, children: number[], value: unknown): Promise<unknown> {
  const t = c.comm.transport;
  let [gen = 0, n = 0, kind = 0, end = 0] = readCtrl(first);
  const sends = children.map((ch) => c.send(ch, CTRL, RAW, ctrl(gen, n, kind, end)));
  const into = ArrayBuffer.isView(value) ? bytesOf(value) : undefined;
  let failure: Error | undefined;
  if (into && isValueKind(kind)) failure = new KindMismatchError(kindName(kind), root, 0);
  else if (into && n > into.byteLength) failure = new TruncationError(n, into.byteLength, root, 0);
  const dest = failure ? undefined : (into ?? new Uint8Array(n));
  const seg = await t.segments!.peer(c.world(root), gen).promise;
  for (let done = 0; ;) {
    dest?.set(seg.subarray(done, end), done);
    done = end;
    if (done >= n) break;
    [gen = 0, n = 0, kind = 0, end = 0] = readCtrl((await c.recv(parent)).data);
    for (const ch of children) sends.push(c.send(ch, CTRL, RAW, ctrl(gen, n, kind, end)));
  }
  release(t, c.world(root));
  await all(sends);
  if (failure) throw failure;
  return into ? value : decode(kind, dest!);
}

type Ctor = new (buffer: ArrayBufferLike | number, byteOffset?: number, length?: number) => TypedArray;

/**
 * Reduce-scatter through shared memory, and optionally the allgather after it. Each
 * rank copies into its segment only the blocks the others reduce, reduces its own block
 * (its own part read in place, the others' from their segments), then, to gather,
 * publishes the block in its segment and reads the others'. Built-in ops only: they are
 * commutative, so the order of the terms does not matter.
 * `bounds[j]..bounds[j+1]` is rank j's block, in elements. `to` says who gets the whole
 * result: every rank, nobody (each keeps its block), or one root. The result goes to
 * `into` when given (it may be `value` itself), else to a new array.
 */
export async function reduceBlocks(
  c: Call,
  value: TypedArray,
  op: ReduceOp,
  bounds: readonly number[],
  to: 'all' | 'none' | { root: number },
  into?: TypedArray,
): Promise<TypedArray | undefined> {
  const t = c.comm.transport;
  const p = c.size;
  const r = c.rank;
  const n = value.length;
  const ctor = value.constructor as Ctor;
  const lo = bounds[r]!;
  const hi = bounds[r + 1]!;
  const seg = await acquire(t, value.byteLength, p - 1);
  const mySeg = new ctor(seg.data.buffer, 0, n);
  if (lo > 0) mySeg.set(value.subarray(0, lo) as never);
  if (hi < n) mySeg.set(value.subarray(hi) as never, hi);
  const others: number[] = [];
  for (let j = 0; j < p; j++) if (j !== r) others.push(j);
  const hello = ctrl(seg.gen, n);
  const sends = others.map((j) => c.send(j, CTRL, RAW, hello));
  const views: TypedArray[] = [];
  let wrong: InvalidArgumentError | undefined;
  for (const j of others) {
    const m = await c.recv(j);
    const [gen = 0, len = -1] = readCtrl(m.data);
    if (c.phase(m) !== CTRL || len !== n)
      wrong ??= new InvalidArgumentError(
        `${c.comm.name}: rank ${j} passed ${len} elements to the reduction, rank ${r} passed ${n}; every rank must pass the same length`,
      );
    else views[j] = new ctor((await t.segments!.peer(c.world(j), gen).promise).buffer, 0, n);
  }
  if (wrong) {
    // Every rank meets some rank whose length differs, so every rank ends here: each
    // releases the others' segments, and each segment gets the releases it is owed.
    for (const j of others) release(t, c.world(j));
    await all(sends);
    throw wrong;
  }
  const gather = to === 'all' || (to !== 'none' && to.root === r);
  // A non-root of a rooted reduce reduces straight into its segment, where the root reads it.
  const out = gather || to === 'none' ? (into ?? allocLike(value, gather ? n : hi - lo)) : undefined;
  const mine = out ? (gather ? out.subarray(lo, hi) : out) : mySeg.subarray(lo, hi);
  const own = value.subarray(lo, hi);
  const theirs = others.map((j) => views[j]!.subarray(lo, hi));
  const publish = to === 'all' ? mySeg.subarray(lo, hi) : undefined;
  // Block by block, so that each block's partial sums (and, to gather, its copy into the
  // segment) are read back from cache rather than from memory.
  for (let from = 0, len = hi - lo; from < len; from += REDUCE_BLOCK) {
    const end = Math.min(len, from + REDUCE_BLOCK);
    op.applyInto(mine, own, theirs[0]!, from, end);
    for (let k = 1; k < theirs.length; k++) op.applyInto(mine, mine, theirs[k]!, from, end);
    publish?.set(mine.subarray(from, end) as never, from);
  }
  if (to === 'all') for (const j of others) sends.push(c.send(j, DONE, RAW, EMPTY));
  else if (to !== 'none' && !gather) sends.push(c.send(to.root, DONE, RAW, EMPTY));
  if (gather) {
    for (const j of others) {
      const m = await c.recv(j);
      if (c.phase(m) !== DONE) throw new InvalidArgumentError(`${c.comm.name}: rank ${j} left the shared-memory reduction out of step`);
      out!.set(views[j]!.subarray(bounds[j]!, bounds[j + 1]!) as never, bounds[j]!);
    }
  }
  for (const j of others) release(t, c.world(j));
  await all(sends);
  return out;
}
