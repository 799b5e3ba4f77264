// The collectives whose payloads rode in the agreement (agree.ts): every rank then holds
// every rank's small payload, and computes its result locally, in rank order, with no
// further message. Same results as the algorithms give, on every rank alike.
import { bytesOf, decode, encode, type Encoded } from '../../codec/encode.ts';
import { isValueKind, kindName } from '../../codec/kinds.ts';
import { KindMismatchError, TruncationError } from '../../errors.ts';
import { RIDE_BYTES, type Rode } from './agree.ts';
import { bounds } from './gather.ts';
import { allocLike, isTypedArray, type Op, type TypedArray } from './ops.ts';
import { deliver, owned } from './reduce.ts';

/**
 * This value's encoding when it is small enough to ride. Any value is encoded here, so a
 * value that cannot be serialized is an argument error that every rank learns of.
 */
export function rideOf(value: unknown): Encoded | undefined {
  if (ArrayBuffer.isView(value)) return value.byteLength <= RIDE_BYTES ? encode(value) : undefined;
  const e = encode(value);
  return e.bytes.byteLength <= RIDE_BYTES ? e : undefined;
}

/** bcast: root's payload, into a non-root's TypedArray or as a new value. */
export function bcastRode(rank: number, value: unknown, root: number, rode: Rode): unknown {
  if (rank === root) return value;
  const b = rode[root]!;
  if (!ArrayBuffer.isView(value)) return decode(b.kind, b.bytes);
  if (isValueKind(b.kind)) throw new KindMismatchError(kindName(b.kind), root, 0);
  const into = bytesOf(value);
  if (b.bytes.byteLength > into.byteLength) throw new TruncationError(b.bytes.byteLength, into.byteLength, root, 0);
  into.set(b.bytes);
  return value;
}

/** gather (to `root`) and allgather (root undefined): every rank's value in rank order. */
export function gatherRode(rank: number, value: unknown, root: number | undefined, counts: readonly number[] | undefined, rode: Rode): unknown {
  if (root !== undefined && rank !== root) return undefined;
  if (!isTypedArray(value)) return rode.map((b, j) => (j === rank ? value : decode(b!.kind, b!.bytes)));
  const b = bounds(counts ?? rode.map(() => value.length));
  const result = allocLike(value, b[rode.length]!);
  const bytes = bytesOf(result);
  const es = value.BYTES_PER_ELEMENT;
  rode.forEach((e, j) => bytes.set(j === rank ? bytesOf(value) : e!.bytes, b[j]! * es));
  return result;
}

/** The reductions: 'reduce' (on root), 'all', 'scan', 'exscan', combining in rank order. */
export function reduceRode(
  rank: number,
  value: unknown,
  op: Op,
  mode: 'reduce' | 'all' | 'scan' | 'exscan',
  root: number,
  into: TypedArray | undefined,
  rode: Rode,
): unknown {
  if (mode === 'reduce' && rank !== root) return undefined;
  const upto = mode === 'scan' ? rank + 1 : mode === 'exscan' ? rank : rode.length;
  if (upto === 0) return undefined;
  const at = (j: number): unknown => (j === rank ? value : decode(rode[j]!.kind, rode[j]!.bytes));
  let acc = owned(at(0));
  for (let j = 1; j < upto; j++) acc = op.combine(acc, at(j));
  return deliver(acc, into);
}
