// The MPI_File_* entry points, bound once per library beside the code that uses them
// (the transport's table stays its own). MPI_File is a pointer in both ABIs (MPICH:
// struct ADIOI_FileD *, Open MPI: struct ompi_file_t *), so it is an intptr_t; MPI_Offset
// is 64-bit in both. H is the ABI's handle type (MPI_Comm, MPI_Datatype, MPI_Info), P a pointer.
import type { Mpi } from '../transport/mpi/bindings.ts';

type Ptr = ArrayBufferView | number | null;
type Fn<A extends unknown[]> = (...args: A) => number;
type Xfer = Fn<[number, Ptr, number, number, Ptr]>;
type XferAt = Fn<[number, number, Ptr, number, number, Ptr]>;

export interface FileFunctions {
  File_open: Fn<[number, string, number, number, Ptr]>;
  File_close: Fn<[Ptr]>;
  File_delete: Fn<[string, number]>;
  File_get_size: Fn<[number, Ptr]>;
  File_set_size: Fn<[number, number]>;
  File_preallocate: Fn<[number, number]>;
  File_sync: Fn<[number]>;
  File_set_view: Fn<[number, number, number, number, string, number]>;
  File_read_at: XferAt;
  File_write_at: XferAt;
  File_read_at_all: XferAt;
  File_write_at_all: XferAt;
  File_iread_at: XferAt;
  File_iwrite_at: XferAt;
  File_read: Xfer;
  File_write: Xfer;
  File_read_shared: Xfer;
  File_write_shared: Xfer;
  File_read_ordered: Xfer;
  File_write_ordered: Xfer;
  File_seek: Fn<[number, number, number]>;
  File_seek_shared: Fn<[number, number, number]>;
  File_get_position: Fn<[number, Ptr]>;
  File_get_position_shared: Fn<[number, Ptr]>;
}

const AT = '(intptr_t, int64_t, P, int, H, P)';
const PTR = '(intptr_t, P, int, H, P)';

const SIGNATURES: Record<keyof FileFunctions, string> = {
  File_open: 'int MPI_File_open(H, const char *, int, H, P)',
  File_close: 'int MPI_File_close(P)',
  File_delete: 'int MPI_File_delete(const char *, H)',
  File_get_size: 'int MPI_File_get_size(intptr_t, P)',
  File_set_size: 'int MPI_File_set_size(intptr_t, int64_t)',
  File_preallocate: 'int MPI_File_preallocate(intptr_t, int64_t)',
  File_sync: 'int MPI_File_sync(intptr_t)',
  File_set_view: 'int MPI_File_set_view(intptr_t, int64_t, H, H, const char *, H)',
  File_read_at: `int MPI_File_read_at${AT}`,
  File_write_at: `int MPI_File_write_at${AT}`,
  File_read_at_all: `int MPI_File_read_at_all${AT}`,
  File_write_at_all: `int MPI_File_write_at_all${AT}`,
  File_iread_at: `int MPI_File_iread_at${AT}`,
  File_iwrite_at: `int MPI_File_iwrite_at${AT}`,
  File_read: `int MPI_File_read${PTR}`,
  File_write: `int MPI_File_write${PTR}`,
  File_read_shared: `int MPI_File_read_shared${PTR}`,
  File_write_shared: `int MPI_File_write_shared${PTR}`,
  File_read_ordered: `int MPI_File_read_ordered${PTR}`,
  File_write_ordered: `int MPI_File_write_ordered${PTR}`,
  File_seek: 'int MPI_File_seek(intptr_t, int64_t, int)',
  File_seek_shared: 'int MPI_File_seek_shared(intptr_t, int64_t, int)',
  File_get_position: 'int MPI_File_get_position(intptr_t, P)',
  File_get_position_shared: 'int MPI_File_get_position_shared(intptr_t, P)',
};

// Error classes of the I/O chapter, by number, in each family's mpi.h.
const MPICH_CLASSES: Record<number, string> = {
  2: 'MPI_ERR_COUNT',
  3: 'MPI_ERR_TYPE',
  12: 'MPI_ERR_ARG',
  13: 'MPI_ERR_UNKNOWN',
  15: 'MPI_ERR_OTHER',
  20: 'MPI_ERR_ACCESS',
  21: 'MPI_ERR_AMODE',
  22: 'MPI_ERR_BAD_FILE',
  23: 'MPI_ERR_CONVERSION',
  24: 'MPI_ERR_DUP_DATAREP',
  25: 'MPI_ERR_FILE_EXISTS',
  26: 'MPI_ERR_FILE_IN_USE',
  27: 'MPI_ERR_FILE',
  32: 'MPI_ERR_IO',
  35: 'MPI_ERR_NOT_SAME',
  36: 'MPI_ERR_NO_SPACE',
  37: 'MPI_ERR_NO_SUCH_FILE',
  39: 'MPI_ERR_QUOTA',
  40: 'MPI_ERR_READ_ONLY',
  43: 'MPI_ERR_UNSUPPORTED_DATAREP',
  44: 'MPI_ERR_UNSUPPORTED_OPERATION',
};
const OMPI_CLASSES: Record<number, string> = {
  2: 'MPI_ERR_COUNT',
  3: 'MPI_ERR_TYPE',
  13: 'MPI_ERR_ARG',
  14: 'MPI_ERR_UNKNOWN',
  16: 'MPI_ERR_OTHER',
  20: 'MPI_ERR_ACCESS',
  21: 'MPI_ERR_AMODE',
  23: 'MPI_ERR_BAD_FILE',
  25: 'MPI_ERR_CONVERSION',
  27: 'MPI_ERR_DUP_DATAREP',
  28: 'MPI_ERR_FILE_EXISTS',
  29: 'MPI_ERR_FILE_IN_USE',
  30: 'MPI_ERR_FILE',
  35: 'MPI_ERR_IO',
  40: 'MPI_ERR_NOT_SAME',
  41: 'MPI_ERR_NO_SPACE',
  42: 'MPI_ERR_NO_SUCH_FILE',
  44: 'MPI_ERR_QUOTA',
  45: 'MPI_ERR_READ_ONLY',
  51: 'MPI_ERR_UNSUPPORTED_DATAREP',
  52: 'MPI_ERR_UNSUPPORTED_OPERATION',
};

/** The bound functions, MPI_INFO_NULL, and the name of an error class. */
export interface FileBinding {
  fn: FileFunctions;
  infoNull: number;
  className(cls: number): string;
}

let bound: FileBinding | undefined;

/** The MPI_File_* functions of the process's MPI library, bound on first use. */
export function fileBinding(m: Mpi): FileBinding {
  if (bound) return bound;
  const mpich = m.abi.family === 'mpich';
  const classes = mpich ? MPICH_CLASSES : OMPI_CLASSES;
  bound = {
    fn: m.bind<FileFunctions>(SIGNATURES),
    infoNull: mpich ? 0x1c000000 : Number(m.library.lib.symbol('ompi_mpi_info_null') as unknown as bigint),
    className: (cls) => classes[cls] ?? `MPI_ERR_CLASS_${cls}`,
  };
  return bound;
}
