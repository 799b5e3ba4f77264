// Value and SharedArray: typed memory in a SharedArrayBuffer, with an optional lock.
import { InvalidArgumentError } from '../errors.ts';
import { Lock, RLock, type AnyLockState } from './lock.ts';
import { checkInteger, checkOneOf, expected } from '../validate.ts';
import { SHARED, fromState, registerShared, type SharedState } from './share.ts';

const CTORS = {
  int8: Int8Array,
  uint8: Uint8Array,
  uint8clamped: Uint8ClampedArray,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
  bigint64: BigInt64Array,
  biguint64: BigUint64Array,
} as const;

/** Element types of `Value` and `SharedArray`, named after their TypedArray. */
export type SharedType = keyof typeof CTORS;

/** The TypedArray of each element type. */
export interface SharedArrayTypes {
  int8: Int8Array;
  uint8: Uint8Array;
  uint8clamped: Uint8ClampedArray;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  float32: Float32Array;
  float64: Float64Array;
  bigint64: BigInt64Array;
  biguint64: BigUint64Array;
}

/** The JavaScript type of one element: `bigint` for the 64-bit integer types, else `number`. */
export type ElementOf<K extends SharedType> = K extends 'bigint64' | 'biguint64' ? bigint : number;

/** The `lock` option: `true` (a new RLock, the default), `false` (none), or a lock to use. */
export type LockOption = boolean | Lock | RLock;

type AnyTyped = SharedArrayTypes[SharedType];

// Types Atomics can load and store whole (the float types are read and written plainly).
const ATOMIC = new Set<string>(['int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'bigint64', 'biguint64']);

type AnyCtor = { new (buffer: ArrayBufferLike): AnyTyped; BYTES_PER_ELEMENT: number };

function ctorOf(type: unknown): AnyCtor {
  if (typeof type === 'string' && Object.hasOwn(CTORS, type)) return CTORS[type as SharedType] as AnyCtor;
  return CTORS[checkOneOf('type', type, Object.keys(CTORS) as SharedType[])] as AnyCtor;
}

function lockState(lock: unknown): AnyLockState | undefined {
  if (lock === undefined || lock === true) return new RLock()[SHARED];
  if (lock === false) return undefined;
  if (lock instanceof Lock || lock instanceof RLock) return lock[SHARED];
  return expected('lock', 'a boolean, a Lock or an RLock', lock, false);
}

function getLock(state: { lock: AnyLockState | undefined }, what: string): Lock | RLock {
  if (!state.lock) throw new InvalidArgumentError(`This ${what} was made with \`lock: false\` and has no lock`);
  return fromState(state.lock);
}

export interface ValueState extends SharedState {
  readonly type: 'Value';
  readonly dtype: SharedType;
  readonly data: AnyTyped;
  readonly lock: AnyLockState | undefined;
}

/**
 * One typed number in shared memory, visible to every thread it is passed to, with a lock
 * for compound updates (`+=` is a read then a write). Integer types are read and written
 * with Atomics. Python's `multiprocessing.Value`.
 *
 * @example
 * const counter = new Value('int32', 0);
 * // in each worker:
 * { using _held = await counter.lock.hold(); counter.value += 1; }
 * // or, for integers: counter.add(1)
 */
export class Value<K extends SharedType = SharedType> {
  /** The shared state: what `share()` and `postMessage` carry to other threads. */
  readonly [SHARED]: ValueState;

  constructor(type: K, init?: ElementOf<K>, options?: { lock?: LockOption }) {
    const Ctor = ctorOf(type);
    const data = new Ctor(new SharedArrayBuffer(Ctor.BYTES_PER_ELEMENT));
    this[SHARED] = { type: 'Value', dtype: type, data, lock: lockState(options?.lock) };
    if (init !== undefined) this.value = init;
  }

  /** The element type. */
  get type(): K {
    return this[SHARED].dtype as K;
  }

  /** The current value. */
  get value(): ElementOf<K> {
    const s = this[SHARED];
    return (ATOMIC.has(s.dtype) ? Atomics.load(s.data as Int32Array, 0) : s.data[0]) as ElementOf<K>;
  }

  set value(v: ElementOf<K>) {
    const s = this[SHARED];
    if (ATOMIC.has(s.dtype)) Atomics.store(s.data as Int32Array, 0, v as number);
    else (s.data as Float64Array)[0] = v as number;
  }

  /** Adds `n` atomically (integer types only) and returns the new value. */
  add(n: ElementOf<K>): ElementOf<K> {
    const s = this[SHARED];
    if (!ATOMIC.has(s.dtype)) throw new InvalidArgumentError(`Value.add() needs an integer type, this Value is ${s.dtype}; update it under its lock`);
    const before = Atomics.add(s.data as Int32Array, 0, n as number);
    // The sum wrapped like the stored one: computed in a one-element array of the same type.
    const sum = s.data.slice(0, 1) as Int32Array;
    sum[0] = before + (n as number);
    return sum[0] as ElementOf<K>;
  }

  /** The lock guarding compound updates; throws when made with `lock: false`. */
  get lock(): Lock | RLock {
    return getLock(this[SHARED], 'Value');
  }

  /** Python's `get_lock()`: the same as `lock`. */
  getLock(): Lock | RLock {
    return this.lock;
  }
}
registerShared('Value', Value);

export interface SharedArrayState extends SharedState {
  readonly type: 'SharedArray';
  readonly dtype: SharedType;
  readonly array: AnyTyped;
  readonly lock: AnyLockState | undefined;
}

/**
 * A TypedArray in shared memory (`array`), visible to every thread it is passed to, with
 * a lock for updates that must not interleave. Made from a length (zero-filled) or from
 * initial values. Python's `multiprocessing.Array`.
 *
 * @example
 * const hist = new SharedArray('int32', 10);
 * // in each worker:
 * Atomics.add(hist.array, bucket, 1);
 * // or, for anything longer than one atomic operation:
 * { using _held = await hist.lock.hold(); hist.array[0] += hist.array[1]; }
 */
export class SharedArray<K extends SharedType = SharedType> {
  /** The shared state: what `share()` and `postMessage` carry to other threads. */
  readonly [SHARED]: SharedArrayState;

  constructor(type: K, lengthOrInit: number | ArrayLike<ElementOf<K>>, options?: { lock?: LockOption }) {
    const Ctor = ctorOf(type);
    const length = typeof lengthOrInit === 'number' ? checkInteger('length', lengthOrInit, { min: 0, max: 2 ** 31 - 1 }) : lengthOrInit.length;
    const array = new Ctor(new SharedArrayBuffer(length * Ctor.BYTES_PER_ELEMENT));
    if (typeof lengthOrInit !== 'number') (array as Float64Array).set(lengthOrInit as ArrayLike<number>);
    this[SHARED] = { type: 'SharedArray', dtype: type, array, lock: lockState(options?.lock) };
  }

  /** The element type. */
  get type(): K {
    return this[SHARED].dtype as K;
  }

  /** The TypedArray on shared memory: index it, `Atomics` it, pass it to `comm.send`. */
  get array(): SharedArrayTypes[K] {
    return this[SHARED].array as SharedArrayTypes[K];
  }

  /** Number of elements. */
  get length(): number {
    return this[SHARED].array.length;
  }

  /** The lock guarding compound updates; throws when made with `lock: false`. */
  get lock(): Lock | RLock {
    return getLock(this[SHARED], 'SharedArray');
  }

  /** Python's `get_lock()`: the same as `lock`. */
  getLock(): Lock | RLock {
    return this.lock;
  }

  /** The elements, in order. */
  [Symbol.iterator](): Iterator<ElementOf<K>> {
    return (this[SHARED].array as Iterable<ElementOf<K>>)[Symbol.iterator]();
  }
}
registerShared('SharedArray', SharedArray);
