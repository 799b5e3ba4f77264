import { InvalidArgumentError } from '../../errors.ts';
import { fastKernel } from './kernels.ts';

/** Elements of any typed array, read and written as numbers (bigint arrays behave alike at run time). */
interface Elems {
  readonly length: number;
  [i: number]: number;
}

/** out[i] = a[i] op b[i] for i in [from, to); `out` may be `a` or `b`. */
type Kernel = (out: Elems, a: Elems, b: Elems, from: number, to: number) => void;

type Scalar = (a: never, b: never) => unknown;

const INTEGER_ARRAYS = new Set<unknown>([
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  BigInt64Array,
  BigUint64Array,
  Buffer,
]);
const BIGINT_ARRAYS = new Set<unknown>([BigInt64Array, BigUint64Array]);

export { allocLike, copyOf, isTypedArray, type TypedArray } from './typed.ts';
import { copyOf, isTypedArray, type TypedArray } from './typed.ts';

const sum: Kernel = (o, a, b, from, to) => {
  for (let i = from; i < to; i++) o[i] = a[i]! + b[i]!;
};
const prod: Kernel = (o, a, b, from, to) => {
  for (let i = from; i < to; i++) o[i] = a[i]! * b[i]!;
};
const min: Kernel = (o, a, b, from, to) => {
  for (let i = from; i < to; i++) {
    const x = a[i]!,
      y = b[i]!;
    o[i] = y < x ? y : x;
  }
};
const max: Kernel = (o, a, b, from, to) => {
  for (let i = from; i < to; i++) {
    const x = a[i]!,
      y = b[i]!;
    o[i] = y > x ? y : x;
  }
};
const band: Kernel = (o, a, b, from, to) => {
  for (let i = from; i < to; i++) o[i] = a[i]! & b[i]!;
};
const bor: Kernel = (o, a, b, from, to) => {
  for (let i = from; i < to; i++) o[i] = a[i]! | b[i]!;
};
const bxor: Kernel = (o, a, b, from, to) => {
  for (let i = from; i < to; i++) o[i] = a[i]! ^ b[i]!;
};
// Logical ops write 1 or 0 of the array's own element type.
function logical(test: (x: boolean, y: boolean) => boolean): (one: number) => Kernel {
  return (one) => (o, a, b, from, to) => {
    const zero = (typeof one === 'bigint' ? 0n : 0) as number;
    for (let i = from; i < to; i++) o[i] = test(!!a[i], !!b[i]) ? one : zero;
  };
}
const land = logical((x, y) => x && y);
const lor = logical((x, y) => x || y);
const lxor = logical((x, y) => x !== y);
// Interleaved [value, index] pairs; ties go to the lower index.
function loc(better: (x: number, y: number) => boolean): Kernel {
  return (o, a, b, from, to) => {
    for (let i = from; i < to; i += 2) {
      const x = a[i]!,
        y = b[i]!;
      const xi = a[i + 1]!,
        yi = b[i + 1]!;
      if (better(y, x) || (y === x && yi < xi)) {
        o[i] = y;
        o[i + 1] = yi;
      } else {
        o[i] = x;
        o[i + 1] = xi;
      }
    }
  };
}
const minloc = loc((y, x) => y < x);
// One-sided accumulates only (MPI_REPLACE, MPI_NO_OP): the target's value becomes the origin's, or stays.
const replace: Kernel = (o, _a, b, from, to) => {
  for (let i = from; i < to; i++) o[i] = b[i]!;
};
const noOp: Kernel = (o, a, _b, from, to) => {
  if (o !== a) for (let i = from; i < to; i++) o[i] = a[i]!;
};
const maxloc = loc((y, x) => y > x);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  if (typeof value === 'object') return `a ${(value as object).constructor?.name ?? 'object'}`;
  return `a ${typeof value}`;
}

interface Builtin {
  name: string;
  kind: 'arith' | 'order' | 'logical' | 'bitwise' | 'loc';
  kernel: Kernel | ((one: number) => Kernel);
  /** The element-wise expression of `x` and `y`, for a kernel compiled per element type (kernels.ts). */
  expr?: string;
  scalar: (a: never, b: never) => unknown;
}

const isNum = (x: unknown): x is number | bigint => typeof x === 'number' || typeof x === 'bigint';

/**
 * A reduction operation for `reduce`, `allreduce`, `scan`, `exscan` and `reduceScatter`.
 * The built-in ops work element-wise on TypedArrays and on numbers, bigints and arrays of
 * them; `Op.create` wraps any function.
 *
 * @example
 * const total = await comm.allreduce(new Float64Array([comm.rank, 1]), SUM);
 * const concat = Op.create((a: string, b: string) => a + b, { commutative: false });
 * await comm.reduce(String(comm.rank), concat, 0); // '0123' on root
 */
export class Op {
  /** Applied in rank order when false: reduce(x0, x1, ...) = ((x0 op x1) op x2) ... */
  readonly commutative: boolean;
  /** @internal A small number that identifies the op in collective mismatch checks (1..63). */
  readonly code: number;

  private constructor(
    /** The op's name, for messages: `SUM`, or `Op.create(myFn)`. */
    readonly name: string,
    code: number,
    commutative: boolean,
    private readonly builtin: Builtin | undefined,
    private readonly fn: Scalar | undefined,
  ) {
    this.code = code;
    this.commutative = commutative;
    Object.freeze(this);
  }

  /**
   * Makes an op from a function of two values (the left one from lower ranks). A
   * non-commutative op is applied in rank order.
   *
   * @example
   * const longest = Op.create((a: string, b: string) => (b.length > a.length ? b : a));
   */
  static create<T>(fn: (a: T, b: T) => T, options?: { commutative?: boolean }): Op {
    if (typeof fn !== 'function') throw new InvalidArgumentError(`Expected \`fn\` to be a function of two values, got ${describe(fn)}`);
    const commutative = options?.commutative ?? true;
    if (typeof commutative !== 'boolean') throw new InvalidArgumentError(`Expected \`commutative\` to be a boolean, got ${describe(commutative)}`);
    // The code only has to differ between ops that ranks could confuse; a hash of the source does.
    const text = `${commutative}:${fn.toString()}`;
    let h = 0;
    for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
    return new Op(`Op.create(${fn.name || 'anonymous'})`, 16 + ((h >>> 0) % 48), commutative, undefined, fn as Scalar);
  }

  /** @internal */
  static builtin(code: number, b: Builtin): Op {
    return new Op(b.name, code, true, b, undefined);
  }

  /**
   * @internal Throws InvalidArgumentError when this op cannot reduce `value`, so every
   * rank fails the same way before anything is sent.
   */
  check(value: unknown, where: string): void {
    const b = this.builtin;
    if (!b) return;
    const bad = (what: string): never => {
      throw new InvalidArgumentError(`${where}: ${b.name} cannot reduce ${what}`);
    };
    if (ArrayBuffer.isView(value)) {
      if (value instanceof DataView) bad('a DataView; reduce a TypedArray view of its bytes instead');
      const ctor = value.constructor;
      if (b.kind === 'bitwise' && !INTEGER_ARRAYS.has(ctor)) bad(`a ${ctor.name} (bitwise ops need an integer array)`);
      if (b.kind === 'loc' && (value as TypedArray).length % 2 !== 0) bad(`a ${ctor.name} of odd length (${b.name} needs interleaved [value, index] pairs)`);
      return;
    }
    this.checkValue(value, bad);
  }

  private checkValue(value: unknown, bad: (what: string) => never): void {
    const b = this.builtin!;
    if (b.kind === 'loc') {
      if (isPair(value)) return;
      if (Array.isArray(value) && value.every(isPair)) return;
      bad(`${describe(value)}: pass a [value, index] pair or an array of pairs`);
    }
    if (Array.isArray(value)) {
      for (const v of value) this.checkValue(v, bad);
      return;
    }
    if (typeof value === 'bigint') return;
    if (typeof value === 'number') {
      if (b.kind === 'bitwise' && !Number.isInteger(value)) bad(`the non-integer number ${value} (bitwise ops need integers)`);
      return;
    }
    if (typeof value === 'boolean' && b.kind === 'logical') return;
    bad(describe(value));
  }

  /**
   * @internal Combines `a` (from lower ranks) with `b`. TypedArray results are written
   * into `a`, which the caller must own; other values are returned.
   */
  combine(a: unknown, b: unknown): unknown {
    if (this.fn) return this.fn(a as never, b as never);
    if (isTypedArray(a)) {
      this.applyInto(a, a, b as TypedArray, 0, a.length);
      return a;
    }
    return this.scalar(a, b);
  }

  /**
   * `a op b` (a from lower ranks): a new TypedArray for TypedArrays (neither input
   * changes), else the op's value for numbers, bigints, arrays of them, or a user op's values.
   *
   * @example
   * SUM.apply(new Int32Array([1, 2]), new Int32Array([10, 20])); // Int32Array [11, 22]
   * MAX.apply(3, 7); // 7
   */
  apply<T>(a: T, b: T): T {
    this.check(a, `${this.name}.apply`);
    if (!this.fn && isTypedArray(a)) {
      const out = copyOf(a);
      this.applyInto(out, out, b as TypedArray, 0, out.length);
      return out as T;
    }
    return this.combine(a, b) as T;
  }

  /** @internal out[i] = a[i] op b[i] for i in [from, to), for the built-in ops. */
  applyInto(out: TypedArray, a: TypedArray, b: TypedArray, from: number, to: number): void {
    if (a.length !== b.length) throw new InvalidArgumentError(`${this.name}: ranks passed arrays of different lengths (${a.length} and ${b.length})`);
    const bi = this.builtin!;
    const fast = bi.expr === undefined ? null : fastKernel(bi.expr, a.constructor);
    if (fast) return fast(out, a, b, from, to);
    const kernel =
      bi.kind === 'logical' ? (bi.kernel as (one: number) => Kernel)((BIGINT_ARRAYS.has(a.constructor) ? 1n : 1) as number) : (bi.kernel as Kernel);
    kernel(out as unknown as Elems, a as unknown as Elems, b as unknown as Elems, from, to);
  }

  /** @internal True when this op has an element-wise kernel for TypedArrays. */
  get elementwise(): boolean {
    return this.builtin !== undefined;
  }

  private scalar(a: unknown, b: unknown): unknown {
    const bi = this.builtin!;
    if (bi.kind === 'loc' ? isPair(a) : !Array.isArray(a)) return bi.scalar(a as never, b as never);
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length)
      throw new InvalidArgumentError(`${bi.name}: ranks passed values of different shapes (${describe(a)} and ${describe(b)})`);
    return a.map((x, i) => this.scalar(x, b[i]));
  }
}

function isPair(v: unknown): v is [number | bigint, number] {
  return Array.isArray(v) && v.length === 2 && isNum(v[0]) && typeof v[1] === 'number';
}

function logicalScalar(f: (x: boolean, y: boolean) => boolean) {
  return (a: unknown, b: unknown): unknown => {
    const r = f(!!a, !!b);
    if (typeof a === 'boolean') return r;
    if (typeof a === 'bigint') return r ? 1n : 0n;
    return r ? 1 : 0;
  };
}

function locScalar(better: (y: number, x: number) => boolean) {
  return (a: [number, number], b: [number, number]): [number, number] => (better(b[0], a[0]) || (b[0] === a[0] && b[1] < a[1]) ? [b[0], b[1]] : [a[0], a[1]]);
}

type N = number;
/** Element-wise sum. @example await comm.allreduce(x, SUM) */
export const SUM = Op.builtin(1, { name: 'SUM', kind: 'arith', kernel: sum, expr: 'x + y', scalar: (a: N, b: N) => a + b });
/** Element-wise product. @example await comm.allreduce(x, PROD) */
export const PROD = Op.builtin(2, { name: 'PROD', kind: 'arith', kernel: prod, expr: 'x * y', scalar: (a: N, b: N) => a * b });
/** Element-wise minimum. @example await comm.allreduce(x, MIN) */
export const MIN = Op.builtin(3, { name: 'MIN', kind: 'order', kernel: min, expr: 'y < x ? y : x', scalar: (a: N, b: N) => (b < a ? b : a) });
/** Element-wise maximum. @example await comm.allreduce(x, MAX) */
export const MAX = Op.builtin(4, { name: 'MAX', kind: 'order', kernel: max, expr: 'y > x ? y : x', scalar: (a: N, b: N) => (b > a ? b : a) });
/** Logical and (1/0 on numbers and arrays, true/false on booleans). @example await comm.allreduce(ok, LAND) */
export const LAND = Op.builtin(5, { name: 'LAND', kind: 'logical', kernel: land, scalar: logicalScalar((x, y) => x && y) });
/** Logical or. @example await comm.allreduce(found, LOR) */
export const LOR = Op.builtin(6, { name: 'LOR', kind: 'logical', kernel: lor, scalar: logicalScalar((x, y) => x || y) });
/** Logical exclusive or. @example await comm.allreduce(flag, LXOR) */
export const LXOR = Op.builtin(7, { name: 'LXOR', kind: 'logical', kernel: lxor, scalar: logicalScalar((x, y) => x !== y) });
/** Bitwise and (integers, integer arrays, bigints). @example await comm.allreduce(mask, BAND) */
export const BAND = Op.builtin(8, { name: 'BAND', kind: 'bitwise', kernel: band, expr: 'x & y', scalar: (a: N, b: N) => a & b });
/** Bitwise or. @example await comm.allreduce(mask, BOR) */
export const BOR = Op.builtin(9, { name: 'BOR', kind: 'bitwise', kernel: bor, expr: 'x | y', scalar: (a: N, b: N) => a | b });
/** Bitwise exclusive or. @example await comm.allreduce(mask, BXOR) */
export const BXOR = Op.builtin(10, { name: 'BXOR', kind: 'bitwise', kernel: bxor, expr: 'x ^ y', scalar: (a: N, b: N) => a ^ b });
/** The smallest value with its index: reduces [value, index] pairs; ties go to the lower index. @example await comm.allreduce([x, comm.rank], MINLOC) */
export const MINLOC = Op.builtin(11, { name: 'MINLOC', kind: 'loc', kernel: minloc, scalar: locScalar((y, x) => y < x) });
/** The largest value with its index: reduces [value, index] pairs; ties go to the lower index. @example await comm.allreduce([x, comm.rank], MAXLOC) */
export const MAXLOC = Op.builtin(12, { name: 'MAXLOC', kind: 'loc', kernel: maxloc, scalar: locScalar((y, x) => y > x) });

/** One-sided accumulate: the target's elements become the origin's (MPI_REPLACE). @example await win.accumulate(x, 1, REPLACE) */
export const REPLACE = Op.builtin(13, { name: 'REPLACE', kind: 'arith', kernel: replace, scalar: (_a: N, b: N) => b });
/** One-sided accumulate: the target's elements stay as they are; with getAccumulate, an atomic read (MPI_NO_OP). @example const v = await win.getAccumulate(buf, 1, NO_OP) */
export const NO_OP = Op.builtin(14, { name: 'NO_OP', kind: 'arith', kernel: noOp, scalar: (a: N) => a });

/**
 * Reduces locally (MPI_Reduce_local): `inout = input op inout`, `input` taken as the one
 * from the lower rank. A TypedArray `inout` is written in place and returned; other
 * values (numbers, arrays of numbers, a user op's values) cannot change in place, so the
 * result is returned.
 *
 * @example
 * const acc = new Float64Array([1, 2]);
 * reduceLocal(new Float64Array([10, 20]), acc, SUM); // acc is now [11, 22]
 */
export function reduceLocal<T>(input: T, inout: T, op: Op): T {
  const o = checkOp(op);
  o.check(input, 'reduceLocal');
  o.check(inout, 'reduceLocal');
  if (isTypedArray(inout)) {
    if (!isTypedArray(input) || input.constructor !== inout.constructor)
      throw new InvalidArgumentError(`reduceLocal: \`input\` and \`inout\` must be TypedArrays of one kind, got ${describe(input)} and ${describe(inout)}`);
    if (o.elementwise) o.applyInto(inout, input, inout, 0, inout.length);
    else {
      const r = o.combine(copyOf(input), inout) as TypedArray;
      if (r !== inout) {
        if (!isTypedArray(r) || r.length !== inout.length)
          throw new InvalidArgumentError(`reduceLocal: ${o.name} returned ${describe(r)}, not a ${inout.constructor.name} of length ${inout.length}`);
        inout.set(r as never);
      }
    }
    return inout;
  }
  return o.combine(input, inout) as T;
}

const BUILTINS = [SUM, PROD, MIN, MAX, LAND, LOR, LXOR, BAND, BOR, BXOR, MINLOC, MAXLOC, REPLACE, NO_OP];

/** @internal The name of an op code, for mismatch reports. */
export function opName(code: number): string {
  return BUILTINS[code - 1]?.name ?? `a user op (#${code})`;
}

/** @internal */
export function checkOp(op: unknown): Op {
  if (op instanceof Op) return op;
  throw new InvalidArgumentError(`Expected \`op\` to be an Op (SUM, MAX, ..., or Op.create(fn)), got ${describe(op)}`);
}
