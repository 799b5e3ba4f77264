// The MPI entry points of windows, bound with mpi().bind (transport/mpi/bindings.ts):
// H is the ABI's handle type, P a pointer. MPI_Aint is `long` (MPICH) or `ptrdiff_t`
// (Open MPI): intptr_t on both 64-bit ABIs.
import type { Mpi } from '../transport/mpi/bindings.ts';

type Ptr = ArrayBufferView | number | bigint | null;
type Fn<A extends unknown[]> = (...args: A) => number;
type Aint = number;

export interface WinFunctions {
  Win_allocate: Fn<[Aint, number, number, number, Ptr, Ptr]>;
  Win_create: Fn<[Ptr, Aint, number, number, number, Ptr]>;
  Win_allocate_shared: Fn<[Aint, number, number, number, Ptr, Ptr]>;
  Win_shared_query: Fn<[number, number, Ptr, Ptr, Ptr]>;
  Win_free: Fn<[Ptr]>;
  Win_set_errhandler: Fn<[number, number]>;
  Put: Fn<[Ptr, number, number, number, Aint, number, number, number]>;
  Get: Fn<[Ptr, number, number, number, Aint, number, number, number]>;
  Rput: Fn<[Ptr, number, number, number, Aint, number, number, number, Ptr]>;
  Rget: Fn<[Ptr, number, number, number, Aint, number, number, number, Ptr]>;
  Accumulate: Fn<[Ptr, number, number, number, Aint, number, number, number, number]>;
  Get_accumulate: Fn<[Ptr, number, number, Ptr, number, number, number, Aint, number, number, number, number]>;
  Fetch_and_op: Fn<[Ptr, Ptr, number, number, Aint, number, number]>;
  Compare_and_swap: Fn<[Ptr, Ptr, Ptr, number, number, Aint, number]>;
  Win_fence: Fn<[number, number]>;
  Win_lock: Fn<[number, number, number, number]>;
  Win_unlock: Fn<[number, number]>;
  Win_lock_all: Fn<[number, number]>;
  Win_unlock_all: Fn<[number]>;
  Win_flush: Fn<[number, number]>;
  Win_flush_all: Fn<[number]>;
  Win_flush_local: Fn<[number, number]>;
  Win_post: Fn<[number, number, number]>;
  Win_start: Fn<[number, number, number]>;
  Win_complete: Fn<[number]>;
  Win_wait: Fn<[number]>;
  Iprobe: Fn<[number, number, number, Ptr, Ptr]>;
}

const TABLE: Record<keyof WinFunctions, string> = {
  Win_allocate: 'int MPI_Win_allocate(intptr_t, int, H, H, P, P)',
  Win_create: 'int MPI_Win_create(P, intptr_t, int, H, H, P)',
  Win_allocate_shared: 'int MPI_Win_allocate_shared(intptr_t, int, H, H, P, P)',
  Win_shared_query: 'int MPI_Win_shared_query(H, int, P, P, P)',
  Win_free: 'int MPI_Win_free(P)',
  Win_set_errhandler: 'int MPI_Win_set_errhandler(H, H)',
  Put: 'int MPI_Put(P, int, H, int, intptr_t, int, H, H)',
  Get: 'int MPI_Get(P, int, H, int, intptr_t, int, H, H)',
  Rput: 'int MPI_Rput(P, int, H, int, intptr_t, int, H, H, P)',
  Rget: 'int MPI_Rget(P, int, H, int, intptr_t, int, H, H, P)',
  Accumulate: 'int MPI_Accumulate(P, int, H, int, intptr_t, int, H, H, H)',
  Get_accumulate: 'int MPI_Get_accumulate(P, int, H, P, int, H, int, intptr_t, int, H, H, H)',
  Fetch_and_op: 'int MPI_Fetch_and_op(P, P, H, int, intptr_t, H, H)',
  Compare_and_swap: 'int MPI_Compare_and_swap(P, P, P, H, int, intptr_t, H)',
  Win_fence: 'int MPI_Win_fence(int, H)',
  Win_lock: 'int MPI_Win_lock(int, int, int, H)',
  Win_unlock: 'int MPI_Win_unlock(int, H)',
  Win_lock_all: 'int MPI_Win_lock_all(int, H)',
  Win_unlock_all: 'int MPI_Win_unlock_all(H)',
  Win_flush: 'int MPI_Win_flush(int, H)',
  Win_flush_all: 'int MPI_Win_flush_all(H)',
  Win_flush_local: 'int MPI_Win_flush_local(int, H)',
  Win_post: 'int MPI_Win_post(H, int, H)',
  Win_start: 'int MPI_Win_start(H, int, H)',
  Win_complete: 'int MPI_Win_complete(H)',
  Win_wait: 'int MPI_Win_wait(H)',
  Iprobe: 'int MPI_Iprobe(int, int, H, P, P)',
};

/** Constants of the window calls that differ between the two ABIs (from each mpi.h). */
export interface WinAbi {
  infoNull: number;
  replace: number;
  noOp: number;
  lockExclusive: number;
  lockShared: number;
  modeNoSucceed: number;
}

export function winAbi(m: Mpi): WinAbi {
  if (m.abi.family === 'mpich')
    return { infoNull: 0x1c000000, replace: 0x5800000d, noOp: 0x5800000e, lockExclusive: 234, lockShared: 235, modeNoSucceed: 16384 };
  const g = (name: string): number => Number(m.library.lib.symbol(name) as bigint);
  return {
    infoNull: g('ompi_mpi_info_null'),
    replace: g('ompi_mpi_op_replace'),
    noOp: g('ompi_mpi_op_no_op'),
    lockExclusive: 1,
    lockShared: 2,
    modeNoSucceed: 16,
  };
}

let bound: { fn: WinFunctions; abi: WinAbi } | undefined;

/** The window functions and constants of the process's MPI library, bound once. */
export function winMpi(m: Mpi): { fn: WinFunctions; abi: WinAbi } {
  bound ??= { fn: m.bind<WinFunctions>(TABLE), abi: winAbi(m) };
  return bound;
}
