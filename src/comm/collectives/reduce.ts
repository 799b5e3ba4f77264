import { bytesOf, decode, encode } from '../../codec/encode.ts';
import { rawKind } from '../../codec/kinds.ts';
import { InvalidArgumentError, isRanksError } from '../../errors.ts';
import { Call, Coll, early, type CommCore } from './call.ts';
import { bounds, split } from './gather.ts';
import { MAXLOC, MINLOC, allocLike, copyOf, isTypedArray, type Op, type TypedArray } from './ops.ts';
import { reduceBlocks, shmFor } from './shm.ts';
import { nativeOf, nativeReduce, nativeReduceScatter, reducesNatively } from './native.ts';

/** A copy the reduction may overwrite (TypedArrays); other values are never written to. */
export function owned(v: unknown): unknown {
  return isTypedArray(v) ? copyOf(v) : v;
}

/** The result in `into` when one was given, else as it is (copied when it may be the caller's own `value`). */
export function deliver(result: unknown, into: TypedArray | undefined, mayBeInput = false): unknown {
  if (into) {
    if (into !== result) into.set(result as never);
    return into;
  }
  return mayBeInput ? owned(result) : result;
}

async function sendValue(c: Call, dest: number, v: unknown): Promise<void> {
  const e = encode(v);
  await c.send(dest, 0, e.kind, e.bytes).promise;
}

/** A partial result from `source`, shaped like this rank's `like`. */
async function recvValue(c: Call, source: number, like: unknown, where: string): Promise<unknown> {
  if (!isTypedArray(like)) {
    const r = await c.recv(source);
    return decode(r.kind, r.data);
  }
  const tmp = allocLike(like, like.length);
  const wrong = (): Error =>
    new InvalidArgumentError(
      `${where}: ranks passed TypedArrays of different kinds or lengths (rank ${c.rank}: ${like.constructor.name}[${like.length}]); every rank must pass the same`,
    );
  try {
    const r = await c.recv(source, bytesOf(tmp));
    if (r.bytes !== tmp.byteLength || r.kind !== rawKind(like)) throw wrong();
  } catch (err) {
    if (isRanksError(err) && (err.code === 'ERR_TRUNCATE' || err.code === 'ERR_KIND_MISMATCH')) throw wrong();
    throw err;
  }
  return tmp;
}

/** Elementwise blocks for the shared-memory path (MINLOC/MAXLOC pairs stay whole). */
function blocks(n: number, size: number, op: Op): number[] {
  const align = op === MINLOC || op === MAXLOC ? 2 : 1;
  const units = n / align;
  return Array.from({ length: size + 1 }, (_, j) => align * Math.floor((j * units) / size));
}

function sharedPath(comm: CommCore, value: unknown, op: Op): value is TypedArray {
  return isTypedArray(value) && op.elementwise && shmFor(comm, value.byteLength) !== undefined;
}

/**
 * Binomial-tree reduction to `root` in rank order relative to it: each rank combines
 * its subtree (lower ranks on the left) and passes it up. Returns the result on `root`.
 */
async function reduceTo(c: Call, value: unknown, op: Op, root: number, where: string): Promise<unknown> {
  const p = c.size;
  const vrank = (c.rank - root + p) % p;
  let acc = value;
  let own = false;
  for (let mask = 1; mask < p; mask <<= 1) {
    if (vrank & mask) {
      await sendValue(c, (vrank - mask + root) % p, acc);
      return undefined;
    }
    const src = vrank | mask;
    if (src < p) {
      const tmp = await recvValue(c, (src + root) % p, value, where);
      if (!own) acc = owned(acc);
      own = true;
      acc = op.combine(acc, tmp);
    }
  }
  return own ? acc : owned(acc);
}

export async function reduce(comm: CommCore, value: unknown, op: Op, root: number, into?: TypedArray): Promise<unknown> {
  const n = nativeOf(comm);
  const native = n && nativeReduce(n, comm, value, op, 'reduce', root, into);
  if (native) return native;
  const c = new Call(comm, Coll.Reduce, root, op.code);
  if (c.size === 1) return deliver(value, into, true);
  if (sharedPath(comm, value, op)) return reduceBlocks(c, value, op, blocks(value.length, c.size, op), { root }, into);
  // A non-commutative op needs the tree in plain rank order: reduce at 0, then hand over.
  const treeRoot = op.commutative ? root : 0;
  const acc = await reduceTo(c, value, op, treeRoot, 'reduce');
  if (treeRoot === root) return c.rank === root ? deliver(acc, into) : undefined;
  if (c.rank === 0) await sendValue(c, root, acc);
  else if (c.rank === root) return deliver(await recvValue(c, 0, value, 'reduce'), into);
  return undefined;
}

/**
 * Recursive doubling (MPICH's, with the extra ranks of a non-power-of-two size folded
 * in first), in rank order so non-commutative ops work; shared memory for large arrays.
 */
export async function allreduce(comm: CommCore, value: unknown, op: Op, into?: TypedArray): Promise<unknown> {
  const n = nativeOf(comm);
  const native = n && nativeReduce(n, comm, value, op, 'all', 0, into);
  if (native) return native;
  const c = new Call(comm, Coll.Allreduce, 0, op.code);
  const p = c.size;
  const r = c.rank;
  if (p === 1) return deliver(value, into, true);
  if (sharedPath(comm, value, op)) return reduceBlocks(c, value, op, blocks(value.length, p, op), 'all', into);
  let pof2 = 1;
  while (pof2 * 2 <= p) pof2 *= 2;
  const rem = p - pof2;
  let acc = owned(value);
  let newrank: number;
  if (r < 2 * rem) {
    if (r % 2 === 0) {
      await sendValue(c, r + 1, acc);
      newrank = -1;
    } else {
      acc = op.combine(await recvValue(c, r - 1, value, 'allreduce'), acc);
      newrank = r >> 1;
    }
  } else newrank = r - rem;
  if (newrank >= 0) {
    for (let mask = 1; mask < pof2; mask <<= 1) {
      const nd = newrank ^ mask;
      const dst = nd < rem ? nd * 2 + 1 : nd + rem;
      const recv = early(recvValue(c, dst, value, 'allreduce'));
      await sendValue(c, dst, acc);
      const tmp = await recv;
      acc = dst < r ? op.combine(tmp, acc) : op.combine(acc, tmp);
    }
  }
  if (r < 2 * rem) {
    if (r % 2 === 1) await sendValue(c, r - 1, acc);
    else acc = await recvValue(c, r + 1, value, 'allreduce');
  }
  return deliver(acc, into);
}

/** Inclusive (scan) or exclusive (exscan) prefix reduction by recursive doubling, in rank order. */
export async function scan(comm: CommCore, value: unknown, op: Op, exclusive: boolean): Promise<unknown> {
  const n = nativeOf(comm);
  const native = n && nativeReduce(n, comm, value, op, exclusive ? 'exscan' : 'scan', 0);
  if (native) return native;
  const where = exclusive ? 'exscan' : 'scan';
  const c = new Call(comm, exclusive ? Coll.Exscan : Coll.Scan, 0, op.code);
  const p = c.size;
  const r = c.rank;
  let partial = owned(value);
  let result: unknown = exclusive ? undefined : owned(value);
  for (let mask = 1; mask < p; mask <<= 1) {
    const dst = r ^ mask;
    if (dst >= p) continue;
    const recv = early(recvValue(c, dst, value, where));
    await sendValue(c, dst, partial);
    const tmp = await recv;
    if (dst < r) {
      // `tmp` covers lower ranks: it goes on the left of both.
      result = result === undefined ? owned(tmp) : op.combine(owned(tmp), result);
      partial = op.combine(tmp, partial);
    } else partial = op.combine(partial, tmp);
  }
  return result;
}

/** Reduces element-wise, then rank j keeps part j (`counts[j]` elements, equal parts by default). */
export async function reduceScatter(comm: CommCore, value: unknown, op: Op, counts: readonly number[] | undefined): Promise<unknown> {
  const c = new Call(comm, Coll.ReduceScatter, 0, op.code);
  const p = c.size;
  if (!isTypedArray(value) && !Array.isArray(value))
    throw new InvalidArgumentError(`reduceScatter: expected a TypedArray or an array to split across ranks, got ${typeof value}`);
  const parts = split('reduceScatter', value.length, p, counts);
  const n = nativeOf(comm);
  if (n && reducesNatively(n, value, op)) return nativeReduceScatter(n, comm, value, op, parts);
  const b = bounds(parts);
  if (sharedPath(comm, value, op)) return reduceBlocks(c, value, op, b, 'none');
  const full = (await reduceTo(c, value, op, 0, 'reduceScatter')) as TypedArray | unknown[] | undefined;
  if (c.rank !== 0) return recvValue(c, 0, isTypedArray(value) ? value.subarray(b[c.rank]!, b[c.rank + 1]!) : undefined, 'reduceScatter');
  const sends = [];
  for (let j = 1; j < p; j++) sends.push(sendValue(c, j, full!.slice(b[j]!, b[j + 1]!)));
  await Promise.all(sends);
  return full!.slice(b[0]!, b[1]!);
}
