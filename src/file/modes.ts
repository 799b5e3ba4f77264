// MPI's access modes (the same bits in MPICH's and Open MPI's mpi.h, so they pass to
// MPI_File_open unchanged) and MPI's rules for combining them.
import { constants as fsConstants } from 'node:fs';
import { constants } from 'node:os';
import { FileError } from '../errors.ts';

/** Open for reading only. */
export const MODE_RDONLY = 2;
/** Open for reading and writing. */
export const MODE_RDWR = 8;
/** Open for writing only. */
export const MODE_WRONLY = 4;
/** Create the file if it does not exist. */
export const MODE_CREATE = 1;
/** With MODE_CREATE: fail (EEXIST) if the file exists. */
export const MODE_EXCL = 64;
/** Delete the file when it is closed. */
export const MODE_DELETE_ON_CLOSE = 16;
/** A hint: no one else opens the file meanwhile. */
export const MODE_UNIQUE_OPEN = 32;
/** Every file pointer starts at the end of the file (not O_APPEND: explicit offsets still hold). */
export const MODE_APPEND = 128;
/** Sequential access only: shared-pointer and ordered calls; no explicit offsets, no individual pointer. */
export const MODE_SEQUENTIAL = 256;

const ALL = MODE_RDONLY | MODE_RDWR | MODE_WRONLY | MODE_CREATE | MODE_EXCL | MODE_DELETE_ON_CLOSE | MODE_UNIQUE_OPEN | MODE_APPEND | MODE_SEQUENTIAL;

/** A FileError with MPI's class name and the system's code for `syscallCode`. */
export function fileError(path: string, errorClass: string, syscallCode: string, what: string): FileError {
  const errno = (constants.errno as Record<string, number>)[syscallCode] ?? 0;
  return new FileError(path, errorClass, syscallCode, errno, `${what}: ${path} (${syscallCode}, ${errorClass})`);
}

/** MPI's rules for `amode`; returns the error every rank reports, or undefined when it is valid. */
export function checkAmode(amode: unknown, path: string): FileError | undefined {
  const bad = (why: string): FileError => fileError(path, 'MPI_ERR_AMODE', 'EINVAL', `Invalid amode ${String(amode)}: ${why}`);
  if (typeof amode !== 'number' || !Number.isInteger(amode) || amode < 0 || (amode & ~ALL) !== 0) return bad('expected an integer made of MODE_* bits');
  const access = [MODE_RDONLY, MODE_WRONLY, MODE_RDWR].filter((m) => (amode & m) !== 0).length;
  if (access !== 1) return bad('exactly one of MODE_RDONLY, MODE_WRONLY and MODE_RDWR is required');
  if ((amode & MODE_RDONLY) !== 0 && (amode & (MODE_CREATE | MODE_EXCL)) !== 0) return bad('MODE_CREATE and MODE_EXCL cannot go with MODE_RDONLY');
  if ((amode & MODE_RDWR) !== 0 && (amode & MODE_SEQUENTIAL) !== 0) return bad('MODE_SEQUENTIAL cannot go with MODE_RDWR');
  return undefined;
}

/** Node's open flags for `amode` (create/exclusive only where asked: rank 0 creates, the others then open). */
export function openFlags(amode: number, creating: boolean): number {
  const fs = fsConstants;
  let flags = (amode & MODE_RDONLY) !== 0 ? fs.O_RDONLY : (amode & MODE_WRONLY) !== 0 ? fs.O_WRONLY : fs.O_RDWR;
  if (creating && (amode & MODE_CREATE) !== 0) flags |= fs.O_CREAT;
  if (creating && (amode & MODE_CREATE) !== 0 && (amode & MODE_EXCL) !== 0) flags |= fs.O_EXCL;
  return flags;
}
