import type { TransportOp } from './op.ts';

/** How a native reduction combines: to a root, to every rank, or as a prefix. */
export type ReduceMode = 'reduce' | 'all' | 'scan' | 'exscan';

/**
 * Collectives a transport runs natively (MPI's own), over the ranks of the communicator
 * whose point-to-point context is `context`. Buffers are the payloads' raw bytes; counts
 * are in elements of `kind` (a codec kind code). Every call is non-blocking: the TransportOp
 * settles when this rank's part is done, and the buffers stay untouched by the caller
 * until then. See comm/collectives/native.ts for when the communicator uses them.
 */
export interface NativeCollectives {
  /** True when op `op` (a TransportOp code, 1..10) reduces elements of `kind` natively. */
  reducible(kind: number, op: number): boolean;
  barrier(context: number): TransportOp<void>;
  bcast(context: number, data: Uint8Array, root: number): TransportOp<void>;
  /**
   * True when the communicator also has ranks that are not ranks processes (C or mpi4py in
   * the same MPI job): a bcast of a TypedArray is then one plain bcast of its elements
   * (`bcastTyped`), with no header, so they can take part.
   */
  mixed(context: number): boolean;
  bcastTyped(context: number, kind: number, data: Uint8Array, root: number): TransportOp<void>;
  /** `send` and `recv` over the same memory reduce in place; `recv` is ignored off the root of a 'reduce'. */
  reduce(
    context: number,
    mode: ReduceMode,
    kind: number,
    send: Uint8Array,
    recv: Uint8Array | undefined,
    count: number,
    op: number,
    root: number,
  ): TransportOp<void>;
  reduceScatter(context: number, kind: number, send: Uint8Array, recv: Uint8Array, counts: readonly number[], op: number): TransportOp<void>;
  gatherv(context: number, kind: number, send: Uint8Array, recv: Uint8Array | undefined, counts: readonly number[], root: number): TransportOp<void>;
  allgatherv(context: number, kind: number, send: Uint8Array, recv: Uint8Array, counts: readonly number[]): TransportOp<void>;
  scatterv(context: number, kind: number, send: Uint8Array | undefined, counts: readonly number[], recv: Uint8Array, root: number): TransportOp<void>;
  alltoallv(context: number, kind: number, send: Uint8Array, sendCounts: readonly number[], recv: Uint8Array, recvCounts: readonly number[]): TransportOp<void>;
}
