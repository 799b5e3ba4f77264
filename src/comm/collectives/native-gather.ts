// Gather, allgather, scatter and alltoall of TypedArrays on the transport's native
// collectives (MPI_Igatherv, ...), with the same validation and results as gather.ts.
import { bytesOf, type Encoded } from '../../codec/encode.ts';
import { NODE_BUFFER, TYPED, TYPED_BASE, rawKind } from '../../codec/kinds.ts';
import { InvalidArgumentError } from '../../errors.ts';
import type { NativeCollectives } from '../../transport/native.ts';
import type { CommCore } from './call.ts';
import { bounds, scatterP2p, split } from './gather.ts';
import { contextOf } from './native.ts';
import { allocLike, isTypedArray, type TypedArray } from './ops.ts';

function partCounts(where: string, value: TypedArray, rank: number, size: number, counts: readonly number[] | undefined): readonly number[] {
  const cnt = counts ?? new Array<number>(size).fill(value.length);
  if (cnt[rank] !== value.length) throw new InvalidArgumentError(`${where}: rank ${rank} passed ${value.length} elements but counts[${rank}] is ${cnt[rank]}`);
  return cnt;
}

export async function nativeGather(
  n: NativeCollectives,
  comm: CommCore,
  value: TypedArray,
  root: number,
  counts: readonly number[] | undefined,
): Promise<TypedArray | undefined> {
  const cnt = partCounts('gather', value, comm.rank, comm.size, counts);
  const out = comm.rank === root ? allocLike(value, bounds(cnt)[comm.size]!) : undefined;
  await n.gatherv(contextOf(comm), rawKind(value)!, bytesOf(value), out && bytesOf(out), cnt, root).promise;
  return out;
}

export async function nativeAllgather(n: NativeCollectives, comm: CommCore, value: TypedArray, counts: readonly number[] | undefined): Promise<TypedArray> {
  const cnt = partCounts('allgather', value, comm.rank, comm.size, counts);
  const out = allocLike(value, bounds(cnt)[comm.size]!);
  await n.allgatherv(contextOf(comm), rawKind(value)!, bytesOf(value), bytesOf(out), cnt).promise;
  return out;
}

export async function nativeAlltoall(n: NativeCollectives, comm: CommCore, values: TypedArray, counts: readonly number[] | undefined): Promise<TypedArray> {
  const p = comm.size;
  const sendCounts = split('alltoall', values.length, p, counts);
  let recvCounts = sendCounts;
  if (counts) {
    // Each rank tells each other how much it sends it.
    const mine = Int32Array.from(sendCounts);
    const theirs = new Int32Array(p);
    const ones = new Array<number>(p).fill(1);
    await n.alltoallv(contextOf(comm), rawKind(mine)!, bytesOf(mine), ones, bytesOf(theirs), ones).promise;
    recvCounts = Array.from(theirs);
  }
  const out = allocLike(values, bounds(recvCounts)[p]!);
  await n.alltoallv(contextOf(comm), rawKind(values)!, bytesOf(values), sendCounts, bytesOf(out), recvCounts).promise;
  return out;
}

// Scatter header: what the root holds (0 values, 1 a TypedArray, 2 nothing it can split),
// its kind and its part sizes when equal.
const VALUES = 0;
const TYPED_ARRAY = 1;
const BAD = 2;

/**
 * Scatter: only the root knows what it scatters, so it first broadcasts a header (kind and
 * part size); a TypedArray then goes through MPI_Iscatterv, anything else through the
 * point-to-point scatter, on every rank alike.
 */
export async function nativeScatter(
  n: NativeCollectives,
  comm: CommCore,
  values: unknown,
  root: number,
  counts: readonly number[] | undefined,
  encoded?: (Encoded | undefined)[],
): Promise<unknown> {
  const p = comm.size;
  const ctx = contextOf(comm);
  const head = new Float64Array(3);
  let parts: readonly number[] | undefined;
  let failure: unknown;
  if (comm.rank === root) {
    if (isTypedArray(values)) {
      try {
        parts = split('scatter', values.length, p, counts);
        head.set([TYPED_ARRAY, rawKind(values)!, parts[0]!]);
      } catch (err) {
        failure = err;
        head[0] = BAD;
      }
    } else head[0] = VALUES;
  }
  await n.bcast(ctx, bytesOf(head), root).promise;
  if (failure) throw failure;
  if (head[0] === BAD) throw new InvalidArgumentError(`scatter: the root (rank ${root}) could not split its TypedArray into ${p} parts`);
  if (head[0] === VALUES) return scatterP2p(comm, values, root, counts, encoded);
  const kind = head[1]!;
  parts ??= counts ?? new Array<number>(p).fill(head[2]!);
  const out = alloc(kind, parts[comm.rank]!);
  await n.scatterv(ctx, kind, comm.rank === root ? bytesOf(values as TypedArray) : undefined, parts, bytesOf(out), root).promise;
  return out;
}

function alloc(kind: number, length: number): TypedArray {
  if (kind === NODE_BUFFER) return Buffer.alloc(length);
  const ctor = TYPED[kind - TYPED_BASE] as unknown as new (n: number) => TypedArray;
  return new ctor(length);
}
