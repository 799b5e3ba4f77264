// The options and helper types of Win's calls, and the checks of its creation arguments.
import type { TypedArray } from '../comm/collectives/ops.ts';
import { Request } from '../comm/request.ts';
import { ArgumentRangeError, InvalidArgumentError } from '../errors.ts';
import { TransportOp } from '../transport/op.ts';
import { KINDS, type WinKind } from './kinds.ts';

/** Where an RMA operation lands in the target's window. */
export interface RmaOptions {
  /** First element of the target's window to touch (in the target's elements). Default 0. */
  offset?: number;
}

/** Options of `getAccumulate`. */
export interface GetAccumulateOptions extends RmaOptions {
  /** Receives the target's old elements (same kind and length as the data); a new array otherwise. */
  into?: TypedArray;
}

/** Options of `lock`. */
export interface LockOptions {
  /** An exclusive lock (MPI_LOCK_EXCLUSIVE, the default) or a shared one (MPI_LOCK_SHARED). */
  exclusive?: boolean;
}

/** Options of `fence`. */
export interface FenceOptions {
  /** No RMA epoch follows this fence (MPI_MODE_NOSUCCEED): lock, lockAll, post and start may come next. */
  end?: boolean;
}

/**
 * The array type of a kind over any buffer: a window made on a SharedArrayBuffer takes data
 * on an ArrayBuffer.
 *
 * @example
 * const win: Win<Loose<Int32Array<SharedArrayBuffer>>> = await Win.create(comm, new Int32Array(new SharedArrayBuffer(16)));
 */
export type Loose<A extends TypedArray> = A extends Float64Array
  ? Float64Array
  : A extends Float32Array
    ? Float32Array
    : A extends Int32Array
      ? Int32Array
      : A extends Uint32Array
        ? Uint32Array
        : A extends Int16Array
          ? Int16Array
          : A extends Uint16Array
            ? Uint16Array
            : A extends Int8Array
              ? Int8Array
              : A extends Uint8ClampedArray
                ? Uint8ClampedArray
                : A extends Uint8Array
                  ? Uint8Array
                  : A extends BigInt64Array
                    ? BigInt64Array
                    : A extends BigUint64Array
                      ? BigUint64Array
                      : TypedArray;

export type Element<A> = A extends BigInt64Array | BigUint64Array ? bigint : number;

export function request<T>(p: Promise<T>): Request<T> {
  const op = new TransportOp<T>();
  p.then(
    (v) => op.resolve(v),
    (e: unknown) => op.reject(e),
  );
  return new Request(op);
}

export function checkKind(kind: unknown, where: string): number {
  const k = KINDS.indexOf(kind as WinKind);
  if (k < 0 && kind !== Buffer)
    throw new InvalidArgumentError(
      `${where}: expected \`kind\` to be a TypedArray constructor (Float64Array, Int32Array, ...), got ${typeof kind === 'function' ? kind.name : String(kind)}`,
    );
  return k < 0 ? 1 : k;
}

export function checkLength(length: unknown, where: string): number {
  if (!Number.isInteger(length) || (length as number) < 0)
    throw new ArgumentRangeError(`${where}: expected \`length\` to be an integer >= 0, got ${String(length)} (${typeof length})`);
  return length as number;
}
