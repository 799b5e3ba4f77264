// One MPI communicator per ranks context. The world's point-to-point context is
// MPI_COMM_WORLD itself (so C and mpi4py ranks of the same job talk to it); every other
// context gets a communicator of its own, made collectively when ranks makes the
// communicator (dup, split, createCart), so MPI's matching never mixes contexts.
import type { Mpi } from './bindings.ts';
import type { Stashed } from './stash.ts';

/** A context's MPI communicator and the translation between its ranks and the world's. */
export class Channel {
  /** World rank of each rank of `comm`; undefined when they are the world's ranks. */
  readonly members: readonly number[] | undefined;
  private readonly toLocal: Map<number, number> | undefined;
  /** Next sequence number per destination (local rank). */
  readonly seq: Uint32Array;
  /** Messages handed over by MPI that no receive has taken yet (see stash.ts). */
  readonly stash: Stashed[] = [];
  /** Receives posted to MPI and not yet matched, in posting order (receiver.ts owns them). */
  readonly posted: object[] = [];

  /** The channel bodies of large payloads travel on, when not the transport's. */
  readonly bodies: Channel | undefined;
  /** Next body tag per destination (local rank), with `bodies`. */
  readonly bodyTags: Uint32Array | undefined;
  /** True on an intercommunicator's channels: addresses name the remote group, never this rank. */
  readonly inter: boolean;

  /** Takes `p` out of `posted`: usually the oldest, as MPI matches in posting order. */
  unpost(p: object): void {
    const posted = this.posted;
    if (posted[0] === p) posted.shift();
    else {
      const i = posted.indexOf(p);
      if (i >= 0) posted.splice(i, 1);
    }
  }

  constructor(
    readonly comm: number,
    readonly size: number,
    members: readonly number[] | undefined,
    /** True on the world channel of a job with ranks that do not run ranks. */
    readonly mixed = false,
    /** Its own body channel and body tags (intercommunicators, see inter.ts); else the transport's. */
    own?: { bodies: Channel; bodyTags: Uint32Array; inter: boolean },
  ) {
    this.bodies = own?.bodies;
    this.bodyTags = own?.bodyTags;
    this.inter = own?.inter ?? false;
    this.members = members;
    this.toLocal = members && new Map(members.map((w, i) => [w, i]));
    this.seq = new Uint32Array(size);
  }

  /** The rank in `comm` of world rank `w` (negative values pass through). */
  local(w: number): number {
    if (w < 0 || !this.toLocal) return w;
    const l = this.toLocal.get(w);
    if (l === undefined) throw new RangeError(`world rank ${w} is not a member of this communicator`);
    return l;
  }

  /** The world rank of rank `l` of `comm`. */
  world(l: number): number {
    return this.members && l >= 0 ? this.members[l]! : l;
  }
}

/** Makes communicators: duplicates, splits, and the ranks-only group of a mixed job. */
export class CommFactory {
  private readonly out: Uint8Array;

  constructor(private readonly mpi: Mpi) {
    this.out = new Uint8Array(8);
  }

  /** MPI_Comm_dup, with errors returned rather than fatal. */
  dup(comm: number): number {
    this.mpi.check(this.mpi.fn.Comm_dup(comm, this.out), 'MPI_Comm_dup');
    return this.made();
  }

  /** MPI_Comm_split; MPI_COMM_NULL for color UNDEFINED. */
  split(comm: number, color: number, key: number): number {
    this.mpi.check(this.mpi.fn.Comm_split(comm, color, key, this.out), 'MPI_Comm_split');
    return this.made();
  }

  /** MPI_Comm_create_group: a communicator of `members` of `comm`, made by them alone. */
  group(comm: number, members: readonly number[], tag: number): number {
    const m = this.mpi;
    const g = new Uint8Array(8);
    const sub = new Uint8Array(8);
    m.check(m.fn.Comm_group(comm, g), 'MPI_Comm_group');
    m.check(m.fn.Group_incl(m.abi.readHandle(g, 0), members.length, Int32Array.from(members), sub), 'MPI_Group_incl');
    m.check(m.fn.Comm_create_group(comm, m.abi.readHandle(sub, 0), tag, this.out), 'MPI_Comm_create_group');
    m.fn.Group_free(sub);
    m.fn.Group_free(g);
    return this.made();
  }

  private made(): number {
    const m = this.mpi;
    const comm = m.abi.readHandle(this.out, 0);
    if (comm !== m.abi.commNull) m.check(m.fn.Comm_set_errhandler(comm, m.abi.errorsReturn), 'MPI_Comm_set_errhandler');
    return comm;
  }
}
