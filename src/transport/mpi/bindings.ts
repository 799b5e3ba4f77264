// The MPI functions ranks calls, declared through koffi with the handle type of the
// library's ABI. Buffers and out-parameters are passed as TypedArrays (koffi hands C a
// pointer to their memory, no copy) or as plain numbers holding an address.
import { MpiError } from '../../errors.ts';
import { abiOf, type Abi } from './abi.ts';
import { koffi, loadMpiLibrary, type MpiLibrary } from './library.ts';

type Ptr = ArrayBufferView | number | null;
type Fn<A extends unknown[]> = (...args: A) => number;

/** Every MPI entry point the transport uses, bound to one loaded library. */
export interface MpiFunctions {
  Init_thread: Fn<[null, null, number, number[]]>;
  Initialized: Fn<[number[]]>;
  Finalized: Fn<[number[]]>;
  Finalize: Fn<[]>;
  Abort: Fn<[number, number]>;
  Comm_rank: Fn<[number, number[]]>;
  Comm_size: Fn<[number, number[]]>;
  Comm_dup: Fn<[number, Ptr]>;
  Comm_split: Fn<[number, number, number, Ptr]>;
  Comm_free: Fn<[Ptr]>;
  Comm_group: Fn<[number, Ptr]>;
  Group_incl: Fn<[number, number, Int32Array, Ptr]>;
  Group_free: Fn<[Ptr]>;
  Comm_create_group: Fn<[number, number, number, Ptr]>;
  Comm_set_errhandler: Fn<[number, number]>;
  Comm_get_attr: Fn<[number, number, Ptr, number[]]>;
  Error_string: Fn<[number, Buffer, number[]]>;
  Error_class: Fn<[number, number[]]>;
  Send: Fn<[Ptr, number, number, number, number, number]>;
  Isend: Fn<[Ptr, number, number, number, number, number, Ptr]>;
  Irecv: Fn<[Ptr, number, number, number, number, number, Ptr]>;
  Testsome: Fn<[number, Ptr, Ptr, Ptr, Ptr]>;
  Test: Fn<[Ptr, Ptr, Ptr]>;
  Cancel: Fn<[Ptr]>;
  Improbe: Fn<[number, number, number, Ptr, Ptr, Ptr]>;
  Mrecv: Fn<[Ptr, number, number, Ptr, Ptr]>;
  Wtime: () => number;
  Ibarrier: Fn<[number, Ptr]>;
  Ibcast: Fn<[Ptr, number, number, number, number, Ptr]>;
  Ireduce: Fn<[Ptr, Ptr, number, number, number, number, number, Ptr]>;
  Iallreduce: Fn<[Ptr, Ptr, number, number, number, number, Ptr]>;
  Iscan: Fn<[Ptr, Ptr, number, number, number, number, Ptr]>;
  Iexscan: Fn<[Ptr, Ptr, number, number, number, number, Ptr]>;
  Ireduce_scatter: Fn<[Ptr, Ptr, Ptr, number, number, number, Ptr]>;
  Igatherv: Fn<[Ptr, number, number, Ptr, Ptr, Ptr, number, number, number, Ptr]>;
  Iscatterv: Fn<[Ptr, Ptr, Ptr, number, Ptr, number, number, number, number, Ptr]>;
  Iallgatherv: Fn<[Ptr, number, number, Ptr, Ptr, Ptr, number, number, Ptr]>;
  Ialltoallv: Fn<[Ptr, Ptr, Ptr, number, Ptr, Ptr, Ptr, number, number, Ptr]>;
  // Blocking forms: MPI never matches a non-blocking collective with a blocking one, and
  // C or mpi4py ranks of a mixed job call the blocking ones.
  Barrier: Fn<[number]>;
  Bcast: Fn<[Ptr, number, number, number, number]>;
  Reduce: Fn<[Ptr, Ptr, number, number, number, number, number]>;
  Allreduce: Fn<[Ptr, Ptr, number, number, number, number]>;
  Scan: Fn<[Ptr, Ptr, number, number, number, number]>;
  Exscan: Fn<[Ptr, Ptr, number, number, number, number]>;
  Reduce_scatter: Fn<[Ptr, Ptr, Ptr, number, number, number]>;
  Gatherv: Fn<[Ptr, number, number, Ptr, Ptr, Ptr, number, number, number]>;
  Scatterv: Fn<[Ptr, Ptr, Ptr, number, Ptr, number, number, number, number]>;
  Allgatherv: Fn<[Ptr, number, number, Ptr, Ptr, Ptr, number, number]>;
  Alltoallv: Fn<[Ptr, Ptr, Ptr, number, Ptr, Ptr, Ptr, number, number]>;
}

// H is the ABI's handle type; P a pointer (buffer, out-parameter or address).
const SIGNATURES: Record<keyof MpiFunctions, string> = {
  Init_thread: 'int MPI_Init_thread(P, P, int, _Out_ int *)',
  Initialized: 'int MPI_Initialized(_Out_ int *)',
  Finalized: 'int MPI_Finalized(_Out_ int *)',
  Finalize: 'int MPI_Finalize()',
  Abort: 'int MPI_Abort(H, int)',
  Comm_rank: 'int MPI_Comm_rank(H, _Out_ int *)',
  Comm_size: 'int MPI_Comm_size(H, _Out_ int *)',
  Comm_dup: 'int MPI_Comm_dup(H, P)',
  Comm_split: 'int MPI_Comm_split(H, int, int, P)',
  Comm_free: 'int MPI_Comm_free(P)',
  Comm_group: 'int MPI_Comm_group(H, P)',
  Group_incl: 'int MPI_Group_incl(H, int, P, P)',
  Group_free: 'int MPI_Group_free(P)',
  Comm_create_group: 'int MPI_Comm_create_group(H, H, int, P)',
  Comm_set_errhandler: 'int MPI_Comm_set_errhandler(H, H)',
  Comm_get_attr: 'int MPI_Comm_get_attr(H, int, P, _Out_ int *)',
  Error_string: 'int MPI_Error_string(int, P, _Out_ int *)',
  Error_class: 'int MPI_Error_class(int, _Out_ int *)',
  Send: 'int MPI_Send(P, int, H, int, int, H)',
  Isend: 'int MPI_Isend(P, int, H, int, int, H, P)',
  Irecv: 'int MPI_Irecv(P, int, H, int, int, H, P)',
  Testsome: 'int MPI_Testsome(int, P, P, P, P)',
  Test: 'int MPI_Test(P, P, P)',
  Cancel: 'int MPI_Cancel(P)',
  Improbe: 'int MPI_Improbe(int, int, H, P, P, P)',
  Mrecv: 'int MPI_Mrecv(P, int, H, P, P)',
  Wtime: 'double MPI_Wtime()',
  Ibarrier: 'int MPI_Ibarrier(H, P)',
  Ibcast: 'int MPI_Ibcast(P, int, H, int, H, P)',
  Ireduce: 'int MPI_Ireduce(P, P, int, H, H, int, H, P)',
  Iallreduce: 'int MPI_Iallreduce(P, P, int, H, H, H, P)',
  Iscan: 'int MPI_Iscan(P, P, int, H, H, H, P)',
  Iexscan: 'int MPI_Iexscan(P, P, int, H, H, H, P)',
  Ireduce_scatter: 'int MPI_Ireduce_scatter(P, P, P, H, H, H, P)',
  Igatherv: 'int MPI_Igatherv(P, int, H, P, P, P, H, int, H, P)',
  Iscatterv: 'int MPI_Iscatterv(P, P, P, H, P, int, H, int, H, P)',
  Iallgatherv: 'int MPI_Iallgatherv(P, int, H, P, P, P, H, H, P)',
  Ialltoallv: 'int MPI_Ialltoallv(P, P, P, H, P, P, P, H, H, P)',
  Barrier: 'int MPI_Barrier(H)',
  Bcast: 'int MPI_Bcast(P, int, H, int, H)',
  Reduce: 'int MPI_Reduce(P, P, int, H, H, int, H)',
  Allreduce: 'int MPI_Allreduce(P, P, int, H, H, H)',
  Scan: 'int MPI_Scan(P, P, int, H, H, H)',
  Exscan: 'int MPI_Exscan(P, P, int, H, H, H)',
  Reduce_scatter: 'int MPI_Reduce_scatter(P, P, P, H, H, H)',
  Gatherv: 'int MPI_Gatherv(P, int, H, P, P, P, H, int, H)',
  Scatterv: 'int MPI_Scatterv(P, P, P, H, P, int, H, int, H)',
  Allgatherv: 'int MPI_Allgatherv(P, int, H, P, P, P, H, H)',
  Alltoallv: 'int MPI_Alltoallv(P, P, P, H, P, P, P, H, H)',
};

/** A loaded MPI library: its ABI table, its functions, and MPI error reporting. */
export class Mpi {
  readonly abi: Abi;
  readonly fn: MpiFunctions;

  constructor(readonly library: MpiLibrary) {
    this.abi = abiOf(library);
    this.fn = this.bind<MpiFunctions>(SIGNATURES);
  }

  /**
   * Binds a table of C signatures (H: the ABI's handle type, P: a pointer) to functions of
   * this library. Subsystems with their own entry points (windows, files) keep their own
   * table beside their code and bind it here once.
   */
  bind<F extends object>(signatures: Record<keyof F, string>): F {
    const fn: Record<string, unknown> = {};
    for (const [name, sig] of Object.entries<string>(signatures)) {
      fn[name] = this.library.lib.func(sig.replace(/\bH\b/g, this.abi.handle).replace(/\bP\b/g, 'void *'));
    }
    return fn as F;
  }

  /** Throws MpiError for a failed call (`rc` not MPI_SUCCESS), with MPI's class and text. */
  check(rc: number, call: string): void {
    if (rc !== 0) throw this.error(rc, call);
  }

  error(rc: number, call: string): MpiError {
    const cls = [rc];
    this.fn.Error_class(rc, cls);
    return new MpiError(call, cls[0] ?? rc, this.errorString(rc));
  }

  errorString(rc: number): string {
    const buf = Buffer.alloc(1024);
    const len = [0];
    if (this.fn.Error_string(rc, buf, len) !== 0) return `MPI error ${rc}`;
    return buf
      .toString('latin1', 0, Math.min(len[0] ?? 0, buf.length))
      .split('\0')[0]!
      .trim();
  }

  /** An int attribute of a communicator (MPI_TAG_UB, MPI_APPNUM), or undefined. */
  intAttr(comm: number, key: number): number | undefined {
    const slot = new BigUint64Array(1);
    const flag = [0];
    this.check(this.fn.Comm_get_attr(comm, key, slot, flag), 'MPI_Comm_get_attr');
    if (!flag[0]) return undefined;
    return koffi().decode(slot[0]!, 'int') as number;
  }
}

let loaded: Mpi | undefined;

/** The process's MPI library, loaded once. */
export function mpi(): Mpi {
  loaded ??= new Mpi(loadMpiLibrary());
  return loaded;
}
