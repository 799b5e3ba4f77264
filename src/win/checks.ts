// Argument checks of the RMA calls, done at the origin before anything moves: a bad call
// throws a coded error there, nothing is written, and the window stays usable.
import { isTypedArray, type Op, type TypedArray } from '../comm/collectives/ops.ts';
import { Op as OpClass } from '../comm/collectives/ops.ts';
import { ArgumentRangeError, InvalidArgumentError } from '../errors.ts';
import type { WinLayout } from './backend.ts';
import { WinKindMismatchError } from './errors.ts';
import { isFloatKind, kindName, kindOf } from './kinds.ts';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  return typeof v === 'object' ? `a ${(v as object).constructor?.name ?? 'object'}` : `${String(v)} (${typeof v})`;
}

export function checkTarget(target: unknown, size: number, where: string): number {
  if (!Number.isInteger(target) || (target as number) < 0 || (target as number) >= size) {
    throw new ArgumentRangeError(`${where}: expected \`target\` to be an integer in 0..${size - 1}, got ${describe(target)}`);
  }
  return target as number;
}

export function checkArray(v: unknown, name: string, where: string): TypedArray {
  if (!isTypedArray(v) || kindOf(v) < 0) throw new InvalidArgumentError(`${where}: expected \`${name}\` to be a TypedArray, got ${describe(v)}`);
  return v;
}

/** The offset, once the kind and the span [offset, offset + count) fit the target's window. */
export function checkSpan(layout: WinLayout, target: number, data: TypedArray, offset: unknown, where: string): number {
  const kind = layout.kinds[target]!;
  if (kindOf(data) !== kind) throw new WinKindMismatchError(kindName(kind), data.constructor.name, where);
  if (!Number.isInteger(offset) || (offset as number) < 0)
    throw new ArgumentRangeError(`${where}: expected \`offset\` to be an integer >= 0, got ${describe(offset)}`);
  const len = layout.lengths[target]!;
  const off = offset as number;
  if (off + data.length > len) {
    throw new ArgumentRangeError(
      `${where}: elements ${off}..${off + data.length - 1} are outside rank ${target}'s window of ${len} elements; nothing was written`,
    );
  }
  return off;
}

/** A predefined op that can update elements of `kind` (MPI's rules: bitwise and logical ops on integers only). */
export function checkAccOp(op: unknown, kind: number, where: string): Op {
  if (!(op instanceof OpClass))
    throw new InvalidArgumentError(`${where}: expected \`op\` to be a predefined Op (SUM, ..., REPLACE, NO_OP), got ${describe(op)}`);
  if (!op.elementwise || op.code === 11 || op.code === 12) {
    throw new InvalidArgumentError(
      `${where}: ${op.name} is not a predefined op windows can accumulate with (SUM, PROD, MIN, MAX, LAND, LOR, LXOR, BAND, BOR, BXOR, REPLACE, NO_OP)`,
    );
  }
  if (op.code >= 5 && op.code <= 10 && isFloatKind(kind))
    throw new InvalidArgumentError(`${where}: ${op.name} needs integer elements; the window holds ${kindName(kind)}`);
  return op;
}
