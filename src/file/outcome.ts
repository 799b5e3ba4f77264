// Turning failures into FileErrors (from Node's fs errors and from MPI's error classes),
// and agreeing on a collective call's outcome so that it fails on every rank alike.
import type { Communicator } from '../comm/communicator.ts';
import { FileError, isRanksError } from '../errors.ts';
import { fileError } from './modes.ts';

// The system's codes and the MPI error classes an MPI library reports for them.
const CLASS_OF_CODE: Record<string, string> = {
  ENOENT: 'MPI_ERR_NO_SUCH_FILE',
  ENOTDIR: 'MPI_ERR_NO_SUCH_FILE',
  EEXIST: 'MPI_ERR_FILE_EXISTS',
  EACCES: 'MPI_ERR_ACCESS',
  EPERM: 'MPI_ERR_ACCESS',
  EROFS: 'MPI_ERR_READ_ONLY',
  ENOSPC: 'MPI_ERR_NO_SPACE',
  EDQUOT: 'MPI_ERR_QUOTA',
  EFBIG: 'MPI_ERR_NO_SPACE',
  EISDIR: 'MPI_ERR_BAD_FILE',
  ENAMETOOLONG: 'MPI_ERR_BAD_FILE',
  EBUSY: 'MPI_ERR_FILE_IN_USE',
  ETXTBSY: 'MPI_ERR_FILE_IN_USE',
  EINVAL: 'MPI_ERR_ARG',
};

/** The system code for an MPI error class (what `syscallCode` says under MPI). */
export const CODE_OF_CLASS: Record<string, string> = {
  MPI_ERR_NO_SUCH_FILE: 'ENOENT',
  MPI_ERR_FILE_EXISTS: 'EEXIST',
  MPI_ERR_ACCESS: 'EACCES',
  MPI_ERR_READ_ONLY: 'EROFS',
  MPI_ERR_NO_SPACE: 'ENOSPC',
  MPI_ERR_QUOTA: 'EDQUOT',
  MPI_ERR_BAD_FILE: 'EINVAL',
  MPI_ERR_AMODE: 'EINVAL',
  MPI_ERR_ARG: 'EINVAL',
  MPI_ERR_COUNT: 'EINVAL',
  MPI_ERR_NOT_SAME: 'EINVAL',
  MPI_ERR_FILE_IN_USE: 'EBUSY',
  MPI_ERR_UNSUPPORTED_OPERATION: 'ENOTSUP',
};

/** Any failure of a file call as a FileError naming `path`. */
export function toFileError(err: unknown, path: string, what: string): FileError {
  if (err instanceof FileError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && !isRanksError(err) && /^E[A-Z0-9]+$/.test(code)) {
    return fileError(path, CLASS_OF_CODE[code] ?? 'MPI_ERR_IO', code, `${what} failed`);
  }
  const detail = err instanceof Error ? err.message : String(err);
  const e = fileError(path, 'MPI_ERR_OTHER', 'EIO', `${what} failed (${detail})`);
  (e as { cause?: unknown }).cause = err;
  return e;
}

/** What crosses ranks of a FileError. */
type Wire = [errorClass: string, syscallCode: string, errno: number, message: string];

/** Every rank's `value`, in rank order: how the ranks of a file exchange small facts. */
export type Gather = <X>(value: X) => Promise<X[]>;

const EXCHANGE = 4;

/**
 * A Gather over point-to-point messages of the file's own communicator (one round, no
 * collective agreement on top: the file's collective calls are already in one order on
 * every rank, and this communicator carries nothing else with this tag).
 */
export function exchange(comm: Communicator): Gather {
  return async <X>(value: X): Promise<X[]> => {
    const out = new Array<X>(comm.size);
    out[comm.rank] = value;
    if (comm.size === 1) return out;
    const moves: Promise<unknown>[] = [];
    for (let r = 0; r < comm.size; r++) {
      if (r === comm.rank) continue;
      moves.push(comm.recv<X>({ source: r, tag: EXCHANGE }).then((v) => (out[r] = v)));
      moves.push(comm.send(value, r, { tag: EXCHANGE }));
    }
    await Promise.all(moves);
    return out;
  };
}

/** A Gather through the communicator's allgather (before the file has its own). */
export function allgatherOf(comm: Communicator): Gather {
  return <X>(value: X): Promise<X[]> => (comm.size === 1 ? Promise.resolve([value]) : comm.allgather(value));
}

/**
 * A collective step's end: every rank says whether it failed (and passes `extra`, any
 * value that can be sent); if one did, every rank throws the lowest failing rank's error. Returns the
 * ranks' `extra` values.
 */
export async function settle<X = number>(gather: Gather, path: string, error: unknown, what: string, extra?: X): Promise<X[]> {
  let wire: Wire | null = null;
  if (error !== undefined) {
    const e = toFileError(error, path, what);
    wire = [e.errorClass, e.syscallCode, e.errno, e.message];
  }
  const all = await gather([wire, extra] as const);
  const failed = all.findIndex(([w]) => w !== null);
  if (failed >= 0) {
    const [errorClass, syscallCode, errno, message] = all[failed]![0]!;
    const mine = error === undefined ? ` (on rank ${failed})` : '';
    throw new FileError(path, errorClass, syscallCode, errno, `${message}${mine}`);
  }
  return all.map(([, x]) => x as X);
}
