import { InvalidStateError } from '../errors.ts';
import type { Transport } from '../transport/transport.ts';
import type { TypedArray, Op as ReduceOp } from './collectives/ops.ts';
import type { Communicator } from './communicator.ts';
import { Group } from './group.ts';
import { interAllgather, interAllreduce, interAlltoall, interBarrier, interBcast, interGather, interReduce, interScatter } from './intercomm-collectives.ts';
import { merge, reserve } from './intercomm-merge.ts';
import { freeComm, nameAccessor } from './manage.ts';
import type { Contexts } from './options.ts';
import { PointToPoint } from './point-to-point.ts';

const NOOP = (): void => {};

/** How two intercommunicators relate (MPI_Comm_compare). */
export type InterComparison = 'ident' | 'congruent' | 'similar' | 'unequal';

/**
 * An intercommunicator (mpi4py's `Intercomm`): two disjoint groups of ranks. `rank`,
 * `size` and `group` are the local group's; point-to-point addresses the remote group's
 * ranks (`remoteSize`, `remoteGroup`); collectives have MPI's intercommunicator meaning:
 * what a rank gets comes from the other group. In rooted ones (`bcast`, `scatter`,
 * `gather`, `reduce`) the root passes `ROOT`, the other ranks of its group `PROC_NULL`,
 * and every rank of the other group passes the root's rank in the root's group. Make one
 * with `comm.createIntercomm`; `merge` makes an ordinary Communicator of both groups.
 *
 * @example
 * const half = (await comm.split(comm.rank < comm.size / 2 ? 0 : 1))!;
 * const inter = await half.createIntercomm(0, comm, comm.rank < comm.size / 2 ? comm.size / 2 : 0);
 * await inter.send(`hello from ${inter.rank}`, inter.rank % inter.remoteSize);
 * const sum = await inter.allreduce(inter.rank, SUM); // the remote group's ranks, summed
 */
export class Intercomm extends PointToPoint {
  /** How many ranks the remote group has. */
  readonly remoteSize: number;
  /** The remote group's ranks. */
  readonly remoteGroup: Group;
  /** The communicator's name; settable. */
  declare name: string;
  /** @internal The local group's private intracommunicator, for the collectives' local steps. */
  readonly localComm: Communicator;
  /** @internal True in the group that comes first in `merge` when both pass the same `high`. */
  readonly low: boolean;
  private collTail: Promise<void> | undefined;
  private freed = false;

  /** @internal Use createIntercomm (or makeIntercomm). */
  constructor(transport: Transport, context: number, group: Group, remote: Group, name: string, contexts: Contexts, local: Communicator, low: boolean) {
    super(transport, context, group, name, contexts, remote);
    this.remoteGroup = remote;
    this.remoteSize = remote.size;
    this.localComm = local;
    this.low = low;
    nameAccessor(this, name);
  }

  /** Always true (MPI_Comm_test_inter). */
  get isInter(): true {
    return true;
  }

  /**
   * Resolves once every rank of both groups has called it.
   *
   * @example
   * await inter.barrier();
   */
  barrier(): Promise<void> {
    return this.serial(() => interBarrier(this));
  }

  /**
   * The root's `value` on every rank of the other group. In the root's group the root
   * passes `ROOT`, the others `PROC_NULL`, and they get `undefined`; the other group passes
   * the root's rank (in the root's group).
   *
   * @example
   * const cfg = await inter.bcast(isRootSide ? (inter.rank === 0 ? { steps: 5 } : undefined) : undefined, isRootSide ? (inter.rank === 0 ? ROOT : PROC_NULL) : 0);
   */
  bcast<T>(value: T | undefined, root: number): Promise<T | undefined> {
    return this.serial(() => interBcast(this, value, root) as Promise<T | undefined>);
  }

  /**
   * The root (passing `ROOT`) sends part j of `values` (an array of `remoteSize` values,
   * or a TypedArray split in `remoteSize` equal parts) to remote rank j; the root's group
   * gets `undefined`.
   *
   * @example
   * const mine = await inter.scatter(undefined, 0); // in the other group
   */
  scatter<T>(values: readonly T[] | TypedArray | undefined, root: number): Promise<T | undefined> {
    return this.serial(() => interScatter(this, values, root) as Promise<T | undefined>);
  }

  /**
   * The root (passing `ROOT`) gets every remote rank's value in remote rank order
   * (TypedArrays of one kind: one concatenated array); every other rank gets `undefined`.
   *
   * @example
   * const all = await inter.gather(undefined, ROOT); // [value of remote 0, value of remote 1, ...]
   */
  gather<T>(value: T, root: number): Promise<T[] | undefined> {
    return this.serial(() => interGather(this, value, root) as Promise<T[] | undefined>);
  }

  /**
   * The root (passing `ROOT`) gets the remote group's values combined with `op` (in remote
   * rank order); every other rank gets `undefined`.
   *
   * @example
   * const total = await inter.reduce(undefined, SUM, ROOT);
   */
  reduce<T>(value: T, op: ReduceOp, root: number): Promise<T | undefined> {
    return this.serial(() => interReduce(this, value, op, root) as Promise<T | undefined>);
  }

  /**
   * Every rank gets every remote rank's value, in remote rank order (TypedArrays of one
   * kind: one concatenated array).
   *
   * @example
   * const theirs = await inter.allgather(inter.rank);
   */
  allgather<T>(value: T): Promise<T[]> {
    return this.serial(() => interAllgather(this, value) as Promise<T[]>);
  }

  /**
   * Every rank gets the remote group's values combined with `op` (in remote rank order).
   *
   * @example
   * const remoteTotal = await inter.allreduce(1, SUM); // = inter.remoteSize
   */
  allreduce<T>(value: T, op: ReduceOp): Promise<T> {
    return this.serial(() => interAllreduce(this, value, op) as Promise<T>);
  }

  /**
   * Rank i sends `values[j]` to remote rank j (`remoteSize` values, or a TypedArray in
   * `remoteSize` equal parts) and gets what each remote rank sent it, in remote rank order.
   *
   * @example
   * const got = await inter.alltoall(Array.from({ length: inter.remoteSize }, (_, j) => `${inter.rank}->${j}`));
   */
  alltoall<T>(values: readonly T[] | TypedArray): Promise<T[]> {
    return this.serial(() => interAlltoall(this, values) as Promise<T[]>);
  }

  /**
   * One intracommunicator of both groups (MPI_Intercomm_merge): the group that passes
   * `high = false` comes first; when both pass the same, the group that was `low` at
   * creation does (createIntercomm: the group whose leader has the lower rank in the peer
   * communicator). Every rank of a group passes the same `high`.
   *
   * @example
   * const all = await inter.merge(isUpperHalf); // lower half first
   */
  async merge(high = false): Promise<Communicator> {
    this.live();
    // The making slot is taken now (call order) and always given back, even when freed meanwhile.
    const slot = reserve(this.contexts);
    return this.serial(
      () =>
        slot(() => {
          this.live();
          return merge(this, this.contexts, high);
        }),
      false,
    );
  }

  /**
   * 'ident' (this very intercommunicator), 'congruent' (same local and remote groups),
   * 'similar' (the same ranks in each group) or 'unequal' (MPI_Comm_compare). Local.
   *
   * @example
   * inter.compare(inter); // 'ident'
   */
  compare(other: PointToPoint): InterComparison {
    if (!(other instanceof Intercomm)) return 'unequal';
    if (other === this || (other.transport === this.transport && other.context === this.context)) return 'ident';
    const a = this.group.compare(other.group);
    const b = this.remoteGroup.compare(other.remoteGroup);
    if (a === 'unequal' || b === 'unequal') return 'unequal';
    return a === 'ident' && b === 'ident' ? 'congruent' : 'similar';
  }

  /**
   * Frees the intercommunicator once its pending collectives are done (MPI_Comm_free);
   * any later use throws ERR_INVALID_STATE.
   *
   * @example
   * await inter.free();
   */
  async free(): Promise<void> {
    this.live();
    return this.serial(async () => {
      this.live();
      this.freed = true;
      await this.localComm.free();
      freeComm(this);
    });
  }

  /**
   * Disconnects from the remote group (MPI_Comm_disconnect, as mpi4py's `Disconnect`): waits
   * until every rank of both groups has called it (a barrier over the intercommunicator; a
   * ranks send is complete once buffered, so nothing else is left pending), then frees it.
   * Both groups must call it; any later use throws ERR_INVALID_STATE.
   *
   * @example
   * const parent = getParent();
   * if (parent) await parent.disconnect();
   */
  async disconnect(): Promise<void> {
    await this.barrier();
    await this.free();
  }

  // Throws ERR_INVALID_STATE once freed.
  private live(): void {
    if (this.freed) throw new InvalidStateError(`${this.name} was freed`);
  }

  // Collectives of one intercommunicator run one after another, in call order.
  private serial<T>(run: () => Promise<T>, check = true): Promise<T> {
    const guarded = (): Promise<T> => {
      if (check) this.live();
      return run();
    };
    const start = this.collTail ? this.collTail.then(guarded, guarded) : Promise.resolve().then(guarded);
    const tail: Promise<void> = start.then(NOOP, NOOP);
    this.collTail = tail;
    void tail.then(() => {
      if (this.collTail === tail) this.collTail = undefined;
    });
    return start;
  }
}

/** @internal What makeIntercomm needs: the parts of an intercommunicator both groups have agreed on. */
export interface IntercommParts {
  transport: Transport;
  /** The intercommunicator's context (even); `context + 1` carries its collectives. */
  context: number;
  /** The local group's private intracommunicator (a dup no one else uses). */
  local: Communicator;
  /** The remote group's transport addresses, in its rank order. */
  remote: readonly number[];
  /** True in exactly one of the two groups: the one `merge` puts first when both pass the same `high`. */
  low: boolean;
  name: string;
  /** This rank's context allocator (the local communicator's). */
  contexts: Contexts;
}

/**
 * @internal
 * An Intercomm over contexts both groups have agreed on (threads, processes), or that the
 * MPI transport has registered (`transport.adoptInter`). Spawn builds its Intercomms here.
 */
export function makeIntercomm(p: IntercommParts): Intercomm {
  const self = p.local.group.self;
  return new Intercomm(p.transport, p.context, new Group(p.local.group.members, self), new Group(p.remote, self), p.name, p.contexts, p.local, p.low);
}
