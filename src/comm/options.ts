import type { TypedArray } from './collectives/ops.ts';
import type { Status } from './status.ts';

/** Options of `send` / `isend`. */
export interface SendOptions {
  /** 0..TAG_UB; default 0. */
  tag?: number;
}

/** Options of `recv` / `irecv`. */
export interface RecvOptions<B extends ArrayBufferView = ArrayBufferView> {
  /** A rank, ANY_SOURCE (default) or PROC_NULL. */
  source?: number;
  /** A tag or ANY_TAG (default). */
  tag?: number;
  /** Receive raw bytes in place; the message must fit. */
  into?: B;
  /** Filled with the message's source, tag and size. */
  status?: Status;
  /** Withdraws the receive if it has not matched yet. */
  signal?: AbortSignal;
  /** Milliseconds to wait for a matching message before rejecting with TimeoutError. */
  timeout?: number;
}

/** Options of `probe` / `iprobe`. */
export interface ProbeOptions {
  source?: number;
  tag?: number;
  signal?: AbortSignal;
  timeout?: number;
}

/** Options of `sendrecv`. */
export interface SendrecvOptions<B extends ArrayBufferView = ArrayBufferView> {
  sendTag?: number;
  source?: number;
  recvTag?: number;
  into?: B;
  status?: Status;
}

/** Options of `sendrecvReplace`. */
export interface SendrecvReplaceOptions {
  /** Tag of the message sent: 0..TAG_UB; default 0. */
  sendTag?: number;
  /** A rank, ANY_SOURCE (default) or PROC_NULL (then `buf` is left as it is). */
  source?: number;
  /** A tag or ANY_TAG (default). */
  recvTag?: number;
  /** Filled with the received message's source, tag and size. */
  status?: Status;
}

/** Options of the v-forms: how many elements each rank's part has. */
export interface CountsOptions {
  /** Elements per rank, `size` entries (scatterv, gatherv, allgatherv, alltoallv, reduce_scatter). */
  counts?: readonly number[];
}

/** Options of `reduce` and `allreduce` on TypedArrays. */
export interface ReduceOptions<A extends TypedArray = TypedArray> {
  /**
   * Where the result goes (mpi4py's `recvbuf`): an array of the same kind and length as
   * the value; the value itself reduces in place (MPI_IN_PLACE). Saves allocating a new
   * array on every call.
   */
  into?: A;
}

/** Options of `createCart`. */
export interface CartOptions {
  /** Which dimensions wrap around (default: none). */
  periods?: readonly boolean[];
  /** Accepted for mpi4py parity; ranks keep their order (every rank shares one machine's memory). */
  reorder?: boolean;
}

/** Context numbers already handed out, shared by every communicator of one world. */
/** @internal */
export interface Contexts {
  next: number;
  /** Settles when this rank's last dup/split/createCart has agreed on its context. */
  making: Promise<void>;
}

/** @internal A fresh context allocation for a world whose communicator uses `context`. */
export function contextsAfter(context: number): Contexts {
  return { next: context + 2, making: Promise.resolve() };
}
