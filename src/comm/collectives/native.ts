// Collectives on the transport's native ones (MPI's), for the payloads they fit: barrier;
// bcast of any value (a fixed-size header bcast carries the kind and size, and small
// payloads inline); reductions of TypedArrays (and numbers) with the built-in ops MPI
// has for their element type. Anything else returns undefined and the caller runs the
// point-to-point algorithm, so every rank makes the same choice from what it was given.
import { bytesOf, decode, encode, type Encoded } from '../../codec/encode.ts';
import { isValueKind, kindName, rawKind } from '../../codec/kinds.ts';
import { InvalidArgumentError, KindMismatchError, TruncationError } from '../../errors.ts';
import type { NativeCollectives, ReduceMode } from '../../transport/native.ts';
import { agrees } from './agree.ts';
import { FLOAT64, type CommCore } from './call.ts';
import { allocLike, isTypedArray, type Op, type TypedArray } from './ops.ts';

/** The transport's native collectives, if it has any. */
export function nativeOf(comm: CommCore): NativeCollectives | undefined {
  return comm.transport.collectives;
}

/** The communicator's point-to-point context, which names it to the transport. */
export function contextOf(comm: CommCore): number {
  return comm.collContext - 1;
}

export async function nativeBarrier(n: NativeCollectives, comm: CommCore): Promise<void> {
  await n.barrier(contextOf(comm)).promise;
}

// The header: kind and size as two float64, then up to INLINE payload bytes.
const HEAD = 256;
const INLINE = HEAD - 16;

export async function nativeBcast(n: NativeCollectives, comm: CommCore, value: unknown, root: number, encoded?: Encoded): Promise<unknown> {
  const ctx = contextOf(comm);
  if (isTypedArray(value) && n.mixed(ctx)) {
    // Every rank passes its array (the root's data, the others' buffers to fill).
    await n.bcastTyped(ctx, rawKind(value)!, bytesOf(value), root).promise;
    return value;
  }
  const head = new Uint8Array(HEAD);
  const meta = new Float64Array(head.buffer, 0, 2);
  if (comm.rank === root) {
    const enc = encoded ?? encode(value);
    const bytes = enc.bytes.byteLength;
    meta[0] = enc.kind;
    meta[1] = bytes;
    if (bytes <= INLINE) head.set(enc.bytes, 16);
    await n.bcast(ctx, head, root).promise;
    if (bytes > INLINE) await n.bcast(ctx, enc.bytes, root).promise;
    return value;
  }
  await n.bcast(ctx, head, root).promise;
  const kind = meta[0]!;
  const bytes = meta[1]!;
  const into = ArrayBuffer.isView(value) ? bytesOf(value) : undefined;
  const usable = into !== undefined && !isValueKind(kind) && bytes <= into.byteLength;
  const data = usable ? into.subarray(0, bytes) : new Uint8Array(bytes);
  if (bytes <= INLINE) data.set(head.subarray(16, 16 + bytes));
  else await n.bcast(ctx, data, root).promise;
  if (!into) return decode(kind, data);
  if (isValueKind(kind)) throw new KindMismatchError(kindName(kind), root, 0);
  if (bytes > into.byteLength) throw new TruncationError(bytes, into.byteLength, root, 0);
  return value;
}

/** From this size up, ranks without the agreement step (agree.ts) first check that they all pass the same length. */
const CHECK_BYTES = 256 * 1024;
const NUMBER_OPS = 4;

/**
 * A native reduction of `value` (a TypedArray, or a number with SUM/PROD/MIN/MAX), or
 * undefined when the op or the element type has no native form.
 */
export function nativeReduce(
  n: NativeCollectives,
  comm: CommCore,
  value: unknown,
  op: Op,
  mode: ReduceMode,
  root: number,
  into?: TypedArray,
): Promise<unknown> | undefined {
  if (!op.elementwise) return undefined;
  if (typeof value === 'number') {
    if (op.code > NUMBER_OPS) return undefined;
    return reduceArray(n, comm, new Float64Array([value]), op, mode, root, undefined).then((r) => (r as Float64Array | undefined)?.[0]);
  }
  if (!isTypedArray(value) || !n.reducible(rawKind(value)!, op.code)) return undefined;
  return reduceArray(n, comm, value, op, mode, root, into);
}

async function reduceArray(
  n: NativeCollectives,
  comm: CommCore,
  value: TypedArray,
  op: Op,
  mode: ReduceMode,
  root: number,
  into: TypedArray | undefined,
): Promise<TypedArray | undefined> {
  const where = mode === 'all' ? 'allreduce' : mode;
  if (value.byteLength >= CHECK_BYTES && !agrees(comm)) await sameLength(n, comm, value.length, where);
  const kind = rawKind(value)!;
  const keeps = mode !== 'reduce' || comm.rank === root;
  const out = keeps ? (into ?? allocLike(value, value.length)) : undefined;
  await n.reduce(contextOf(comm), mode, kind, bytesOf(value), out && bytesOf(out), value.length, op.code, root).promise;
  if (mode === 'exscan' && comm.rank === 0) return undefined;
  return out;
}

export async function nativeReduceScatter(n: NativeCollectives, comm: CommCore, value: TypedArray, op: Op, counts: readonly number[]): Promise<TypedArray> {
  if (value.byteLength >= CHECK_BYTES && !agrees(comm)) await sameLength(n, comm, value.length, 'reduceScatter');
  const out = allocLike(value, counts[comm.rank]!);
  await n.reduceScatter(contextOf(comm), rawKind(value)!, bytesOf(value), bytesOf(out), counts, op.code).promise;
  return out;
}

/** True when `op` reduces `value` natively (reduceScatter takes TypedArrays only). */
export function reducesNatively(n: NativeCollectives, value: unknown, op: Op): value is TypedArray {
  return op.elementwise && isTypedArray(value) && n.reducible(rawKind(value)!, op.code);
}

// Every rank learns the smallest and largest length passed, so all of them fail alike.
async function sameLength(n: NativeCollectives, comm: CommCore, length: number, where: string): Promise<void> {
  const span = new Float64Array([length, -length]);
  await n.reduce(contextOf(comm), 'all', FLOAT64, bytesOf(span), bytesOf(span), 2, 4, 0).promise;
  const [max, negMin] = span as unknown as [number, number];
  if (max !== -negMin)
    throw new InvalidArgumentError(`${where}: ranks passed arrays of different lengths (from ${-negMin} to ${max} elements); every rank must pass the same`);
}
