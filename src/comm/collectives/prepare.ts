// Each collective's arguments checked on this rank before anything is sent: the checks
// that used to throw inside the algorithms (a root that cannot split its array, counts
// that do not add up, a value that cannot be serialized) run here, and what they find
// goes into the agreement (agree.ts), so every rank learns it. A plan also says which
// shape every rank must share, and carries what it already computed (encodings, counts).
import { encode, type Encoded } from '../../codec/encode.ts';
import { rawKind } from '../../codec/kinds.ts';
import { InvalidArgumentError } from '../../errors.ts';
import { checkCounts, checkRoot } from '../validate.ts';
import { RIDE_BYTES, shapeOf, type Proposal, type Rode } from './agree.ts';
import { bcastRode, gatherRode, reduceRode, rideOf } from './ridden.ts';
import { split } from './gather.ts';
import { checkOp, isTypedArray, type Op, type TypedArray } from './ops.ts';

/** A collective's checked arguments, ready for the agreement and then the algorithm. */
export interface Plan<T> extends Omit<Proposal, 'error' | 'coll'> {
  /** The algorithm, or (given what rode in the agreement) the local computation. */
  run: (rode?: Rode) => Promise<T> | T;
}

/** What the algorithms need of the communicator to size their checks. */
interface Sized {
  readonly rank: number;
  readonly size: number;
}

const SAME_ARRAYS = 'TypedArrays of different kinds or lengths, or different counts';
const SAME_VALUES = 'values of different kinds or shapes (TypedArray kind and length, array length, or counts)';

function needArray(where: string, values: unknown, size: number): unknown[] {
  if (Array.isArray(values) && values.length === size) return values;
  throw new InvalidArgumentError(
    `${where}: expected an array of ${size} values (one per rank) or a TypedArray, got ${Array.isArray(values) ? `an array of ${values.length}` : typeof values}`,
  );
}

function countsShape(counts: readonly number[] | undefined): number[] {
  return counts ? [-3, ...counts] : [-4];
}

/** bcast: the root's value encoded (the one thing that can fail). */
export function bcastPlan(comm: Sized, value: unknown, root: unknown, run: (root: number, enc: Encoded | undefined) => Promise<unknown>): Plan<unknown> {
  const r = checkRoot(root, comm.size);
  const isRoot = comm.rank === r;
  const enc = isRoot && !ArrayBuffer.isView(value) ? encode(value) : undefined;
  const ride = isRoot ? (ArrayBuffer.isView(value) ? rideOf(value) : enc!.bytes.byteLength <= RIDE_BYTES ? enc : undefined) : null;
  return { root: r, ride, run: (rode) => (rode ? bcastRode(comm.rank, value, r, rode) : run(r, enc)) };
}

/** scatter: the root checks that its values split into `size` parts and encodes them. */
export function scatterPlan(
  comm: Sized,
  values: unknown,
  root: unknown,
  options: { counts?: readonly number[] } | undefined,
  run: (root: number, counts: readonly number[] | undefined, enc: (Encoded | undefined)[] | undefined) => Promise<unknown>,
): Plan<unknown> {
  const r = checkRoot(root, comm.size);
  const counts = checkCounts(options?.counts, comm.size);
  let enc: (Encoded | undefined)[] | undefined;
  if (comm.rank === r) {
    if (isTypedArray(values)) split('scatter', values.length, comm.size, counts);
    else enc = needArray('scatter', values, comm.size).map((v, j) => (j === r ? undefined : encode(v)));
  }
  return { root: r, shape: counts && shapeOf(...countsShape(counts)), shapeWhat: 'different `counts`', run: () => run(r, counts, enc) };
}

/** gather and allgather: one kind for all, this rank's part as long as `counts` says. */
export function gatherPlan(
  comm: Sized,
  where: string,
  value: unknown,
  root: number | undefined,
  options: { counts?: readonly number[] } | undefined,
  run: (counts: readonly number[] | undefined, enc: Encoded | undefined) => Promise<unknown>,
): Plan<unknown> {
  const counts = checkCounts(options?.counts, comm.size);
  let shape: number;
  let enc: Encoded | undefined;
  if (isTypedArray(value)) {
    if (counts && counts[comm.rank] !== value.length)
      throw new InvalidArgumentError(`${where}: rank ${comm.rank} passed ${value.length} elements but counts[${comm.rank}] is ${counts[comm.rank]}`);
    shape = shapeOf(rawKind(value)!, ...(counts ? countsShape(counts) : [value.length]));
  } else {
    enc = encode(value);
    shape = shapeOf(-1);
  }
  const ride = enc ? (enc.bytes.byteLength <= RIDE_BYTES ? enc : undefined) : rideOf(value);
  return { root, shape, shapeWhat: SAME_ARRAYS, ride, run: (rode) => (rode ? gatherRode(comm.rank, value, root, counts, rode) : run(counts, enc)) };
}

/** alltoall: `size` values, or a TypedArray that splits into `size` parts. */
export function alltoallPlan(
  comm: Sized,
  values: unknown,
  options: { counts?: readonly number[] } | undefined,
  run: (counts: readonly number[] | undefined, enc: (Encoded | undefined)[] | undefined) => Promise<unknown>,
): Plan<unknown> {
  const counts = checkCounts(options?.counts, comm.size);
  let shape: number;
  let enc: (Encoded | undefined)[] | undefined;
  if (isTypedArray(values)) {
    split('alltoall', values.length, comm.size, counts);
    shape = shapeOf(rawKind(values)!, counts ? -2 : values.length);
  } else {
    enc = needArray('alltoall', values, comm.size).map((v, j) => (j === comm.rank ? undefined : encode(v)));
    shape = shapeOf(-1);
  }
  return { shape, shapeWhat: SAME_ARRAYS, run: () => run(counts, enc) };
}

/**
 * The shape every rank of a reduction must share: TypedArrays their kind and length,
 * other values their structure under a built-in op (user ops combine what they like).
 */
function reduceShape(value: unknown, op: Op, extra: readonly number[] = []): number | undefined {
  if (isTypedArray(value)) return shapeOf(1, rawKind(value)!, value.length, ...extra);
  if (!op.elementwise) return extra.length ? shapeOf(...extra) : undefined;
  const parts: number[] = [...extra];
  structure(value, parts);
  return shapeOf(...parts);
}

function structure(value: unknown, out: number[]): void {
  if (typeof value === 'number') out.push(2);
  else if (typeof value === 'bigint') out.push(3);
  else if (typeof value === 'boolean') out.push(4);
  else if (Array.isArray(value)) {
    out.push(5, value.length);
    for (const v of value) structure(v, out);
  } else out.push(6);
}

/**
 * reduce, allreduce, scan, exscan and reduceScatter: a usable op, and the value it fits.
 * `mode` (not for reduceScatter) lets a small value ride in the agreement.
 */
export function reducePlan<T>(
  where: string,
  value: unknown,
  op: unknown,
  root: number,
  run: (op: Op) => Promise<T>,
  counts?: readonly number[],
  mode?: { rank: number; mode: 'reduce' | 'all' | 'scan' | 'exscan'; into?: TypedArray },
): Plan<T> {
  const o = checkOp(op);
  o.check(value, where);
  const ride = mode ? rideOf(value) : undefined;
  return {
    root,
    op: o.code,
    shape: reduceShape(value, o, counts ? countsShape(counts) : []),
    shapeWhat: SAME_VALUES,
    ride,
    run: (rode) => (rode && mode ? (reduceRode(mode.rank, value, o, mode.mode, root, mode.into, rode) as T) : run(o)),
  };
}

/** reduceScatter: an array to split, in parts of `counts` or equal ones. */
export function reduceScatterPlan<T>(
  comm: Sized,
  value: unknown,
  op: unknown,
  options: { counts?: readonly number[] } | undefined,
  run: (op: Op, counts: readonly number[]) => Promise<T>,
): Plan<T> {
  const counts = checkCounts(options?.counts, comm.size);
  if (!isTypedArray(value) && !Array.isArray(value))
    throw new InvalidArgumentError(`reduceScatter: expected a TypedArray or an array to split across ranks, got ${typeof value}`);
  const parts = split('reduceScatter', (value as TypedArray | unknown[]).length, comm.size, counts);
  return reducePlan('reduceScatter', value, op, 0, (o) => run(o, parts), counts);
}
