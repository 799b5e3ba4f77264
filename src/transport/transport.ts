import type { NativeCollectives } from './native.ts';
import type { TransportOp } from './op.ts';

/**
 * The contract between a communicator and whatever moves its bytes. The communicator
 * never knows which transport it runs on.
 *
 * - A message is an envelope (context, source, tag) plus a payload: `kind` (how the
 *   receiver rebuilds the value, see codec/kinds.ts) and `bytes`.
 * - The transport does the matching: MPI has its own; threads and processes share the
 *   engine in this folder. Matching is MPI's: the earliest posted receive that fits an
 *   arriving message takes it; otherwise the message waits, in arrival order, for a
 *   later receive. Messages of one (context, source, tag) never overtake each other.
 * - `context` separates communicators (and a communicator's collective traffic from its
 *   point-to-point traffic): messages never match across contexts.
 * - Every operation returns a `TransportOp`, which the transport settles. An `TransportOp` that has not
 *   matched can be withdrawn with `op.cancel(error)`; a matched one finishes normally.
 * - A transport may offer native collectives (MPI does; the threads transport shares
 *   memory) through `collectives`; the communicator falls back to point-to-point
 *   algorithms for the ones it lacks.
 */
export interface Transport {
  readonly name: 'threads' | 'processes' | 'mpi';
  readonly rank: number;
  readonly size: number;

  /**
   * Starts sending; the TransportOp resolves once `bytes` may be reused by the caller. With `sync`
   * (synchronous mode, MPI_Issend) it resolves only once a receive (or a matched probe)
   * at `dest` has matched the message as well.
   */
  send(context: number, dest: number, tag: number, kind: number, bytes: Uint8Array, sync?: boolean): TransportOp<void>;

  /**
   * Posts a receive. With `into`, the payload is written there (a TruncationError
   * rejects the TransportOp when it does not fit, and the message stays for a later receive).
   */
  recv(context: number, source: number, tag: number, into: Uint8Array | undefined): TransportOp<Received>;

  /** The envelope of the first message that a receive would match now, if any. */
  iprobe(context: number, source: number, tag: number): Envelope | undefined;

  /** Resolves with the envelope of the first matching message, without receiving it. */
  probe(context: number, source: number, tag: number): TransportOp<Envelope>;

  /**
   * A matched probe that never waits (MPI_Improbe): the first matching message that has
   * arrived, taken out of matching, so that no receive can take it; undefined if none.
   */
  improbe(context: number, source: number, tag: number): Matched | undefined;

  /** A matched probe (MPI_Mprobe): resolves with the first matching message, taken out of matching. */
  mprobe(context: number, source: number, tag: number): TransportOp<Matched>;

  /** Ends the whole job with `code` (MPI_Abort). */
  abort(code: number, reason: string): void;

  /** Optional native collectives; see comm/collectives/native.ts. */
  readonly collectives?: NativeCollectives;

  /** The largest tag this transport carries, when less than TAG_UB (MPI_TAG_UB). */
  readonly tagUb?: number;

  /**
   * Called by every member of the communicator of context `parent`, in the same order,
   * when it makes a new communicator of context `context` (and `context + 1` for its
   * collectives): `color` and `key` as in split (color UNDEFINED: this rank is left out),
   * `members` the new communicator's world ranks in its rank order (empty when left out).
   * MPI makes its own communicator here; transports that match contexts themselves omit it.
   */
  derive?(parent: number, context: number, color: number, key: number, members: readonly number[]): void;

  /**
   * Called by every member of `members` (world ranks, the new rank order), and by them
   * alone, when they make a communicator of context `context` from the one of context
   * `parent` (createGroup; `tag` tells concurrent calls apart). MPI makes its own here.
   */
  deriveGroup?(parent: number, context: number, members: readonly number[], tag: number): void;

  /**
   * Called by every rank of one group, in the same order, when it makes an
   * intercommunicator of context `context` (and `context + 1` for its collectives) with
   * createIntercomm: `local` is the local communicator's context, `leader` the local
   * leader's world rank; at the leader alone `peer` is the peer communicator's context and
   * `remoteLeader` the remote leader's world rank (elsewhere both -1); `remote` holds the
   * remote group's world ranks in its rank order. MPI makes its MPI_Intercomm_create here.
   */
  deriveInter?(local: number, leader: number, peer: number, remoteLeader: number, tag: number, context: number, remote: readonly number[]): void;

  /**
   * MPI: registers the MPI intercommunicator `handle` (from MPI_Intercomm_create,
   * MPI_Comm_spawn or MPI_Comm_get_parent) under `context`: `context + 1` (collectives) and
   * its own body channel are duplicates of it, so the call is collective over both groups.
   * `remote` gives each remote rank an address (what the Intercomm's remote group lists).
   */
  adoptInter?(context: number, handle: number, remote: readonly number[], foreign?: boolean): void;

  /**
   * Called by every rank of both groups when the intercommunicator of context `inter`
   * merges into an intracommunicator of context `context`: `low` true for the group that
   * comes first, `members` the addresses in the merged rank order. MPI: MPI_Intercomm_merge.
   */
  mergeInter?(inter: number, context: number, low: boolean, members: readonly number[]): void;

  /** Called when this rank makes COMM_SELF, of context `context`. MPI registers MPI_COMM_SELF. */
  deriveSelf?(context: number): void;

  /** Called when the communicator of context `context` is freed. MPI frees its own. */
  releaseContext?(context: number): void;

  /** Present when ranks share memory: per-rank scratch segments every rank can read. */
  readonly segments?: SharedSegments;
}

/** Context of the shared-memory collectives' release messages; never a communicator's. */
export const SEGMENT_CONTEXT = 0x7ffffffe;

/** Context of COMM_SELF (and + 1 for its collectives); never another communicator's. */
export const SELF_CONTEXT = 0x7ffffffa;

/** Context of createGroup's agreement messages (only the group's members call it); never a communicator's. */
export const GROUP_CONTEXT = 0x7ffffff8;

/**
 * Per-rank scratch memory that every rank of the job can read (the threads transport).
 * Who may write or read when is the collectives' business (comm/collectives/shm.ts).
 */
export interface SharedSegments {
  /** This rank's segment with room for `bytes`; a bigger one (next `gen`) is made and handed to the peers when needed. */
  mine(bytes: number): { data: Uint8Array; gen: number };
  /** Rank `rank`'s segment of generation `gen` or later; waits until the hand-over has arrived. */
  peer(rank: number, gen: number): TransportOp<Uint8Array>;
}

/** What a matched message looks like before its payload is read. */
export interface Envelope {
  source: number;
  tag: number;
  kind: number;
  /** Payload size in bytes. */
  bytes: number;
}

/**
 * A message that a matched probe took: its envelope, and `recv` to receive it (MPI_Mrecv).
 * A refused `recv` (TruncationError, KindMismatchError) leaves it for another try.
 */
export interface Matched extends Envelope {
  recv(into: Uint8Array | undefined): TransportOp<Received>;
}

/** A received message: its envelope and the bytes (a view of `into` when one was given). */
export interface Received extends Envelope {
  data: Uint8Array;
}
