// Intercommunicators on MPI: MPI_Intercomm_create and MPI_Intercomm_merge, bound from a
// table of their own (mpi().bind), and the channels an intercommunicator's contexts get.
// Its point-to-point channel addresses the remote group; its payload bodies travel on a
// duplicate of it (not on the world's body communicator), so an intercommunicator to
// ranks of another MPI_COMM_WORLD (MPI_Comm_spawn) carries large messages too.
import type { Mpi } from './bindings.ts';
import { Channel, type CommFactory } from './channels.ts';

type Ptr = ArrayBufferView | number | bigint | null;
type Fn<A extends unknown[]> = (...args: A) => number;

interface InterFunctions {
  Intercomm_create: Fn<[number, number, number, number, number, Ptr]>;
  Intercomm_merge: Fn<[number, number, Ptr]>;
}

const TABLE: Record<keyof InterFunctions, string> = {
  Intercomm_create: 'int MPI_Intercomm_create(H, int, H, int, int, P)',
  Intercomm_merge: 'int MPI_Intercomm_merge(H, int, P)',
};

/** Makes MPI intercommunicators, their merges, and the channels of both. */
export class InterFactory {
  private bound: InterFunctions | undefined;

  constructor(
    private readonly mpi: Mpi,
    private readonly factory: CommFactory,
  ) {}

  private get fn(): InterFunctions {
    return (this.bound ??= this.mpi.bind<InterFunctions>(TABLE));
  }

  /** MPI_Intercomm_create (collective over `local`; `peer` and `remoteLeader` matter at the leader only). */
  create(local: number, leader: number, peer: number, remoteLeader: number, tag: number): number {
    const out = new Uint8Array(8);
    this.mpi.check(this.fn.Intercomm_create(local, leader, peer, remoteLeader, tag, out), 'MPI_Intercomm_create');
    return this.adopted(out);
  }

  /** MPI_Intercomm_merge: the group passing high = 0 comes first. */
  merge(inter: number, high: boolean): number {
    const out = new Uint8Array(8);
    this.mpi.check(this.fn.Intercomm_merge(inter, high ? 1 : 0, out), 'MPI_Intercomm_merge');
    return this.adopted(out);
  }

  /**
   * The channels of an intercommunicator (or of any communicator whose addresses are not
   * all this world's ranks): point-to-point on `handle`, collectives and bodies on
   * duplicates of it (collective over every rank of `handle`).
   */
  channels(handle: number, members: readonly number[], inter: boolean, foreign = false): [Channel, Channel] {
    const m = this.mpi;
    m.check(m.fn.Comm_set_errhandler(handle, m.abi.errorsReturn), 'MPI_Comm_set_errhandler');
    // `foreign` (spawn: a parent that does not run ranks, e.g. mpi4py): nothing collective, all on `handle`.
    const coll = foreign ? handle : this.factory.dup(handle);
    const bodies = new Channel(foreign ? handle : this.factory.dup(handle), members.length, members);
    const own = { bodies, bodyTags: new Uint32Array(members.length), inter };
    return [
      new Channel(handle, members.length, members, false, own),
      new Channel(coll, members.length, members, false, { ...own, bodyTags: new Uint32Array(0) }),
    ];
  }

  private adopted(out: Uint8Array): number {
    return this.mpi.abi.readHandle(out, 0);
  }
}
