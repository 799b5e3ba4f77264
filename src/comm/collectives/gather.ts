import { bytesOf, decode, encode, type Encoded } from '../../codec/encode.ts';
import { kindName, rawKind } from '../../codec/kinds.ts';
import { InvalidArgumentError, isRanksError } from '../../errors.ts';
import type { Received } from '../../transport/transport.ts';
import { Call, Coll, all, early, type CommCore } from './call.ts';
import { allocLike, copyOf, isTypedArray, type TypedArray } from './ops.ts';
import { nativeOf } from './native.ts';
import { nativeAllgather, nativeAlltoall, nativeGather, nativeScatter } from './native-gather.ts';

/** Block boundaries in elements: part j is [b[j], b[j + 1]). */
export function bounds(counts: readonly number[]): number[] {
  const b = [0];
  for (const n of counts) b.push(b[b.length - 1]! + n);
  return b;
}

/** Counts that split `total` elements into equal parts, or `counts` checked against `total`. */
export function split(where: string, total: number, size: number, counts: readonly number[] | undefined): readonly number[] {
  if (counts) {
    const sum = counts.reduce((a, b) => a + b, 0);
    if (sum !== total) throw new InvalidArgumentError(`${where}: \`counts\` add up to ${sum} elements, but the array has ${total}`);
    return counts;
  }
  if (total % size !== 0)
    throw new InvalidArgumentError(`${where}: cannot split ${total} elements into ${size} equal parts; pass { counts } for unequal parts`);
  return new Array<number>(size).fill(total / size);
}

function needArray(where: string, values: unknown, size: number): unknown[] {
  if (Array.isArray(values) && values.length === size) return values;
  throw new InvalidArgumentError(
    `${where}: expected an array of ${size} values (one per rank) or a TypedArray, got ${Array.isArray(values) ? `an array of ${values.length}` : typeof values}`,
  );
}

/** Receives rank j's part straight into its place in `into`, checking it is whole. */
async function recvPart(c: Call, where: string, j: number, kind: number, dest: TypedArray): Promise<void> {
  let r: Received;
  const es = dest.BYTES_PER_ELEMENT;
  try {
    r = await c.recv(j, bytesOf(dest));
  } catch (err) {
    if (isRanksError(err) && err.code === 'ERR_TRUNCATE')
      throw new InvalidArgumentError(`${where}: rank ${j} sent more than the ${dest.length} elements expected from it; pass { counts } for unequal parts`);
    throw err;
  }
  if (r.kind !== kind) throw new InvalidArgumentError(`${where}: rank ${j} sent a ${kindName(r.kind)}, rank ${c.rank} expected a ${kindName(kind)}`);
  if (r.bytes !== dest.byteLength)
    throw new InvalidArgumentError(`${where}: rank ${j} sent ${r.bytes / es} elements, ${dest.length} expected; pass { counts } for unequal parts`);
}

/** Scatter: on the transport's native collectives when it has them. */
export function scatter(
  comm: CommCore,
  values: unknown,
  root: number,
  counts: readonly number[] | undefined,
  encoded?: (Encoded | undefined)[],
): Promise<unknown> {
  const n = nativeOf(comm);
  return n ? nativeScatter(n, comm, values, root, counts, encoded) : scatterP2p(comm, values, root, counts, encoded);
}

/** Linear scatter: the root sends each rank its part (TypedArray parts are views, not copies). */
export async function scatterP2p(
  comm: CommCore,
  values: unknown,
  root: number,
  counts: readonly number[] | undefined,
  encoded?: (Encoded | undefined)[],
): Promise<unknown> {
  const c = new Call(comm, Coll.Scatter, root);
  const p = c.size;
  if (c.rank !== root) {
    const r = await c.recv(root);
    return decode(r.kind, r.data);
  }
  if (isTypedArray(values)) {
    const b = bounds(split('scatter', values.length, p, counts));
    const kind = rawKind(values)!;
    const sends = [];
    for (let j = 0; j < p; j++) if (j !== root) sends.push(c.send(j, 0, kind, bytesOf(values.subarray(b[j]!, b[j + 1]!))));
    const mine = copyOf(values, b[root]!, b[root + 1]!);
    await all(sends);
    return mine;
  }
  const list = needArray('scatter', values, p);
  const enc = encoded ?? list.map((v, j) => (j === root ? undefined : encode(v)));
  await all(enc.flatMap((e, j) => (e ? [c.send(j, 0, e.kind, e.bytes)] : [])));
  return list[root];
}

/** Linear gather into one array (TypedArrays: one concatenated TypedArray, each part received in place). */
export async function gather(comm: CommCore, value: unknown, root: number, counts: readonly number[] | undefined, encoded?: Encoded): Promise<unknown> {
  const n = nativeOf(comm);
  if (n && isTypedArray(value)) return nativeGather(n, comm, value, root, counts);
  const c = new Call(comm, Coll.Gather, root);
  const p = c.size;
  if (c.rank !== root) {
    const e = encoded ?? encode(value);
    await c.send(root, 0, e.kind, e.bytes).promise;
    return undefined;
  }
  if (isTypedArray(value)) {
    const { result, b, kind } = place('gather', value, c.rank, p, counts);
    const recvs = [];
    for (let j = 0; j < p; j++) if (j !== root) recvs.push(recvPart(c, 'gather', j, kind, result.subarray(b[j]!, b[j + 1]!)));
    await Promise.all(recvs);
    return result;
  }
  const out: unknown[] = new Array(p);
  out[root] = value;
  await Promise.all(
    Array.from({ length: p }, async (_, j) => {
      if (j === root) return;
      const r = await c.recv(j);
      out[j] = decode(r.kind, r.data);
    }),
  );
  return out;
}

// The concatenated result with this rank's own part in place.
function place(where: string, value: TypedArray, rank: number, size: number, counts: readonly number[] | undefined) {
  const cnt = counts ?? new Array<number>(size).fill(value.length);
  if (cnt[rank] !== value.length) throw new InvalidArgumentError(`${where}: rank ${rank} passed ${value.length} elements but counts[${rank}] is ${cnt[rank]}`);
  const b = bounds(cnt);
  const result = allocLike(value, b[size]!);
  result.set(value as never, b[rank]!);
  return { result, b, kind: rawKind(value)! };
}

/** Ring allgather: size - 1 steps, each passing one part to the right. */
export async function allgather(
  comm: CommCore,
  value: unknown,
  counts: readonly number[] | undefined,
  coll = Coll.Allgather,
  encoded?: Encoded,
): Promise<unknown> {
  const n = nativeOf(comm);
  if (n && isTypedArray(value)) return nativeAllgather(n, comm, value, counts);
  const c = new Call(comm, coll);
  const p = c.size;
  const r = c.rank;
  const right = (r + 1) % p;
  const left = (r + p - 1) % p;
  if (isTypedArray(value)) {
    const { result, b, kind } = place('allgather', value, r, p, counts);
    const part = (j: number): TypedArray => result.subarray(b[j]!, b[j + 1]!);
    for (let s = 0; s < p - 1; s++) {
      const recv = early(recvPart(c, 'allgather', left, kind, part((r - s - 1 + 2 * p) % p)));
      await c.send(right, 0, kind, bytesOf(part((r - s + p) % p))).promise;
      await recv;
    }
    return result;
  }
  const parts: Encoded[] = new Array(p);
  parts[r] = encoded ?? encode(value);
  for (let s = 0; s < p - 1; s++) {
    const recv = early(c.recv(left));
    const e = parts[(r - s + p) % p]!;
    await c.send(right, 0, e.kind, e.bytes).promise;
    const got = await recv;
    parts[(r - s - 1 + 2 * p) % p] = { kind: got.kind, bytes: got.data };
  }
  return parts.map((e, j) => (j === r ? value : decode(e.kind, e.bytes)));
}

/** Every rank sends part j to rank j. TypedArrays: split in equal parts or by `counts` (what this rank sends to each). */
export async function alltoall(comm: CommCore, values: unknown, counts: readonly number[] | undefined, encoded?: (Encoded | undefined)[]): Promise<unknown> {
  const n = nativeOf(comm);
  if (n && isTypedArray(values)) return nativeAlltoall(n, comm, values, counts);
  const c = new Call(comm, Coll.Alltoall);
  const p = c.size;
  const r = c.rank;
  if (isTypedArray(values)) {
    const sendCounts = split('alltoall', values.length, p, counts);
    // Equal parts come in equal parts; with counts, the ranks first tell each other theirs.
    const recvCounts = counts ? ((await alltoallValues(c, sendCounts.slice())) as number[]) : sendCounts;
    const sb = bounds(sendCounts);
    const rb = bounds(recvCounts);
    const kind = rawKind(values)!;
    const result = allocLike(values, rb[p]!);
    const recvs = [];
    for (let j = 0; j < p; j++) if (j !== r) recvs.push(early(recvPart(c, 'alltoall', j, kind, result.subarray(rb[j]!, rb[j + 1]!))));
    const sends = [];
    for (let j = 0; j < p; j++) if (j !== r) sends.push(c.send(j, 0, kind, bytesOf(values.subarray(sb[j]!, sb[j + 1]!))));
    result.set(values.subarray(sb[r]!, sb[r + 1]!) as never, rb[r]!);
    await all(sends);
    await Promise.all(recvs);
    return result;
  }
  return alltoallValues(c, needArray('alltoall', values, p), encoded);
}

async function alltoallValues(c: Call, list: unknown[], encoded?: (Encoded | undefined)[]): Promise<unknown[]> {
  const p = c.size;
  const enc = encoded ?? list.map((v, j) => (j === c.rank ? undefined : encode(v)));
  const out: unknown[] = new Array(p);
  out[c.rank] = list[c.rank];
  const recvs = Array.from({ length: p }, async (_, j) => {
    if (j === c.rank) return;
    const got = await c.recv(j);
    out[j] = decode(got.kind, got.data);
  }).map(early);
  await all(enc.flatMap((e, j) => (e ? [c.send(j, 0, e.kind, e.bytes)] : [])));
  await Promise.all(recvs);
  return out;
}
