// The two MPI ABIs in the wild, as tables. MPICH (and Intel MPI, MVAPICH, Cray MPICH,
// which share its ABI) makes handles 32-bit integers with fixed values, from mpi.h;
// Open MPI makes them pointers to exported globals, found by name at run time. The
// status struct differs too. Values are from each library's mpi.h (MPICH 4.0, Open MPI 4.1).
import type { Family, MpiLibrary } from './library.ts';

/** Datatypes of the element kinds ranks moves (and reduces). */
export interface Datatypes {
  byte: number;
  int8: number;
  uint8: number;
  int16: number;
  uint16: number;
  int32: number;
  uint32: number;
  int64: number;
  uint64: number;
  float: number;
  double: number;
}

/** Predefined reduction ops. */
export interface Ops {
  sum: number;
  prod: number;
  min: number;
  max: number;
  land: number;
  lor: number;
  lxor: number;
  band: number;
  bor: number;
  bxor: number;
}

export interface Abi {
  family: Family;
  /** koffi type of every handle (MPI_Comm, MPI_Request, ...): 'int' or 'intptr_t'. */
  handle: 'int' | 'intptr_t';
  handleBytes: 4 | 8;
  statusBytes: number;
  commWorld: number;
  commSelf: number;
  commNull: number;
  requestNull: number;
  messageNoProc: number;
  errorsReturn: number;
  anySource: number;
  anyTag: number;
  procNull: number;
  undefined: number;
  /** MPI_IN_PLACE and MPI_STATUS_IGNORE as addresses. */
  inPlace: number;
  statusIgnore: number;
  /** Attribute keys. */
  tagUb: number;
  appnum: number;
  errInStatus: number;
  /** The error class MPI_ERR_TRUNCATE. */
  errTruncate: number;
  threadFunneled: number;
  types: Datatypes;
  ops: Ops;
  /** Reads source, tag, error, byte count and cancelled from status `i` of `s` (an Int32Array over status records). */
  readStatus(s: Int32Array, i: number, out: StatusFields): StatusFields;
  /** Reads handle `i` of an array of handles (as from an out-parameter). */
  readHandle(buf: Uint8Array, i: number): number;
}

export interface StatusFields {
  source: number;
  tag: number;
  error: number;
  count: number;
  cancelled: boolean;
}

const MPICH: Omit<Abi, 'readStatus' | 'readHandle'> = {
  family: 'mpich',
  handle: 'int',
  handleBytes: 4,
  statusBytes: 20,
  commWorld: 0x44000000,
  commSelf: 0x44000001,
  commNull: 0x04000000,
  requestNull: 0x2c000000,
  messageNoProc: 0x6c000000,
  errorsReturn: 0x54000001,
  anySource: -2,
  anyTag: -1,
  procNull: -1,
  undefined: -32766,
  inPlace: -1,
  statusIgnore: 1,
  tagUb: 0x64400001,
  appnum: 0x6440000d,
  errInStatus: 17,
  errTruncate: 14,
  threadFunneled: 1,
  types: {
    byte: 0x4c00010d,
    int8: 0x4c000137,
    uint8: 0x4c00013b,
    int16: 0x4c000238,
    uint16: 0x4c00023c,
    int32: 0x4c000439,
    uint32: 0x4c00043d,
    int64: 0x4c00083a,
    uint64: 0x4c00083e,
    float: 0x4c00040a,
    double: 0x4c00080b,
  },
  ops: {
    max: 0x58000001,
    min: 0x58000002,
    sum: 0x58000003,
    prod: 0x58000004,
    land: 0x58000005,
    band: 0x58000006,
    lor: 0x58000007,
    bor: 0x58000008,
    lxor: 0x58000009,
    bxor: 0x5800000a,
  },
};

// MPICH status: { int count_lo; int count_hi_and_cancelled; int MPI_SOURCE; int MPI_TAG; int MPI_ERROR; }
function readMpichStatus(s: Int32Array, i: number, out: StatusFields): StatusFields {
  const o = i * 5;
  const hi = s[o + 1]!;
  out.count = (s[o]! >>> 0) + (hi >>> 1) * 2 ** 32;
  out.cancelled = (hi & 1) === 1;
  out.source = s[o + 2]!;
  out.tag = s[o + 3]!;
  out.error = s[o + 4]!;
  return out;
}

// Open MPI status: { int MPI_SOURCE; int MPI_TAG; int MPI_ERROR; int _cancelled; size_t _ucount; }
function readOmpiStatus(s: Int32Array, i: number, out: StatusFields): StatusFields {
  const o = i * 6;
  out.source = s[o]!;
  out.tag = s[o + 1]!;
  out.error = s[o + 2]!;
  out.cancelled = s[o + 3]! !== 0;
  out.count = (s[o + 4]! >>> 0) + (s[o + 5]! >>> 0) * 2 ** 32;
  return out;
}

/** The ABI table of a loaded library. */
export function abiOf(m: MpiLibrary): Abi {
  if (m.family === 'mpich') {
    return { ...MPICH, readStatus: readMpichStatus, readHandle: (b, i) => new DataView(b.buffer, b.byteOffset).getInt32(i * 4, true) };
  }
  const g = (name: string): number => Number(m.lib.symbol(name) as bigint);
  return {
    family: 'openmpi',
    handle: 'intptr_t',
    handleBytes: 8,
    statusBytes: 24,
    commWorld: g('ompi_mpi_comm_world'),
    commSelf: g('ompi_mpi_comm_self'),
    commNull: g('ompi_mpi_comm_null'),
    requestNull: g('ompi_request_null'),
    messageNoProc: g('ompi_message_no_proc'),
    errorsReturn: g('ompi_mpi_errors_return'),
    anySource: -1,
    anyTag: -1,
    procNull: -2,
    undefined: -32766,
    inPlace: 1,
    statusIgnore: 0,
    // Open MPI's attribute keys are an enum starting at MPI_TAG_UB = 0.
    tagUb: 0,
    appnum: 4,
    errInStatus: 18,
    errTruncate: 15,
    threadFunneled: 1,
    types: {
      byte: g('ompi_mpi_byte'),
      int8: g('ompi_mpi_int8_t'),
      uint8: g('ompi_mpi_uint8_t'),
      int16: g('ompi_mpi_int16_t'),
      uint16: g('ompi_mpi_uint16_t'),
      int32: g('ompi_mpi_int32_t'),
      uint32: g('ompi_mpi_uint32_t'),
      int64: g('ompi_mpi_int64_t'),
      uint64: g('ompi_mpi_uint64_t'),
      float: g('ompi_mpi_float'),
      double: g('ompi_mpi_double'),
    },
    ops: {
      sum: g('ompi_mpi_op_sum'),
      prod: g('ompi_mpi_op_prod'),
      min: g('ompi_mpi_op_min'),
      max: g('ompi_mpi_op_max'),
      land: g('ompi_mpi_op_land'),
      lor: g('ompi_mpi_op_lor'),
      lxor: g('ompi_mpi_op_lxor'),
      band: g('ompi_mpi_op_band'),
      bor: g('ompi_mpi_op_bor'),
      bxor: g('ompi_mpi_op_bxor'),
    },
    readStatus: readOmpiStatus,
    readHandle: (b, i) => Number(new DataView(b.buffer, b.byteOffset).getBigInt64(i * 8, true)),
  };
}
