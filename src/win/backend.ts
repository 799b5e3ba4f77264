import type { Communicator } from '../comm/communicator.ts';
import type { Op, TypedArray } from '../comm/collectives/ops.ts';

/**
 * What every rank learned when the window was made: each rank's element kind (kinds.ts
 * code) and length in elements, in communicator rank order.
 */
export interface WinLayout {
  kinds: readonly number[];
  lengths: readonly number[];
  /** Byte offset of each rank's memory in its buffer (created windows; 0 otherwise). */
  offsets: readonly number[];
}

/** How a window was made. */
export type Flavor = 'allocate' | 'create' | 'shared';

/**
 * One transport's window. Ranks are the window communicator's; offsets and counts are
 * in elements and already checked by Win (kinds match, everything fits, an epoch is open).
 */
export interface Backend {
  /** This rank's part of the window. */
  readonly array: TypedArray;
  put(data: TypedArray, target: number, offset: number): Promise<void>;
  get(into: TypedArray, target: number, offset: number): Promise<void>;
  /** target[offset + i] = target[offset + i] op data[i], element-wise atomic. */
  accumulate(data: TypedArray, target: number, offset: number, op: Op): Promise<void>;
  /** As accumulate; `result` gets the elements as they were before. */
  getAccumulate(data: TypedArray, result: TypedArray, target: number, offset: number, op: Op): Promise<void>;
  /** One element: result[0] = target[offset]; target[offset] = value[0] if it was compare[0]. */
  compareAndSwap(value: TypedArray, compare: TypedArray, result: TypedArray, target: number, offset: number): Promise<void>;
  /** `end`: no epoch follows (MPI_MODE_NOSUCCEED). */
  fence(end: boolean): Promise<void>;
  lock(target: number, exclusive: boolean): Promise<void>;
  unlock(target: number): Promise<void>;
  lockAll(): Promise<void>;
  unlockAll(): Promise<void>;
  flush(target: number): Promise<void>;
  flushAll(): Promise<void>;
  flushLocal(target: number): Promise<void>;
  post(ranks: readonly number[]): Promise<void>;
  start(ranks: readonly number[]): Promise<void>;
  complete(): Promise<void>;
  wait(): Promise<void>;
  free(): Promise<void>;
  /** A put/get as an MPI request (MPI_Rput/MPI_Rget); without them, Win uses put/get and flushLocal. */
  rput?(data: TypedArray, target: number, offset: number): Promise<void>;
  rget?(into: TypedArray, target: number, offset: number): Promise<void>;
  /** A live view of rank `r`'s part (allocateShared only). */
  sharedQuery?(r: number): TypedArray;
}

/** What a transport's backend is made from. */
export interface BackendInit {
  /** A communicator private to the window (a dup of the user's). */
  comm: Communicator;
  layout: WinLayout;
  flavor: Flavor;
  /** This rank's memory for `create`; absent when the window allocates it. */
  memory: TypedArray | undefined;
}
