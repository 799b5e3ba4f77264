// File's argument checks. Every failure is a FileError (MPI_ERR_ARG, EINVAL, or the
// class MPI gives the misuse), so that a collective call can hand it to every rank.
import { fileURLToPath } from 'node:url';
import type { FileError } from '../errors.ts';
import { MODE_RDONLY, MODE_SEQUENTIAL, MODE_WRONLY, fileError } from './modes.ts';
import type { View } from './view.ts';

const show = (v: unknown): string => `${typeof v === 'bigint' ? `${v}n` : String(v)} (${v === null ? 'null' : typeof v})`;

/** A path from a string or a file: URL, or undefined. */
export function pathOf(path: unknown): string | undefined {
  if (typeof path === 'string' && path.length > 0) return path;
  if (path instanceof URL && path.protocol === 'file:') return fileURLToPath(path);
  return undefined;
}

/** `offset` (in etypes) or `bytes` must be an integer >= 0. */
export function checkCount(value: unknown, name: string, path: string): FileError | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return undefined;
  return fileError(path, 'MPI_ERR_ARG', 'EINVAL', `Expected \`${name}\` to be an integer >= 0, got ${show(value)}`);
}

/** `seek`'s offset may be negative; whence is 'set', 'cur' or 'end'. */
export function checkSeek(offset: unknown, whence: unknown, path: string): FileError | undefined {
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset))
    return fileError(path, 'MPI_ERR_ARG', 'EINVAL', `Expected \`offset\` to be an integer, got ${show(offset)}`);
  if (whence !== 'set' && whence !== 'cur' && whence !== 'end')
    return fileError(path, 'MPI_ERR_ARG', 'EINVAL', `Expected \`whence\` to be 'set', 'cur' or 'end', got ${show(whence)}`);
  return undefined;
}

/** The bytes of a buffer, which must hold a whole number of the view's elements. */
export function bytesOf(data: unknown, view: View, path: string): Uint8Array | FileError {
  if (!ArrayBuffer.isView(data)) return fileError(path, 'MPI_ERR_ARG', 'EINVAL', `Expected \`data\` to be a TypedArray, Buffer or DataView, got ${show(data)}`);
  if (data.byteLength % view.size !== 0) {
    return fileError(path, 'MPI_ERR_ARG', 'EINVAL', `Expected \`data\` to hold whole ${view.etype.name} elements of the view, got ${data.byteLength} bytes`);
  }
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** What `amode` allows: reading, writing, and explicit offsets or the individual pointer. */
export function checkAccess(amode: number, path: string, call: string, write: boolean, positional: boolean): FileError | undefined {
  if (write && (amode & MODE_RDONLY) !== 0) return fileError(path, 'MPI_ERR_READ_ONLY', 'EBADF', `${call} on a file opened MODE_RDONLY`);
  if (!write && (amode & MODE_WRONLY) !== 0) return fileError(path, 'MPI_ERR_ACCESS', 'EBADF', `${call} on a file opened MODE_WRONLY`);
  return positional ? checkNotSequential(amode, path, call) : undefined;
}

/** Explicit offsets and the individual pointer are not for MODE_SEQUENTIAL files. */
export function checkNotSequential(amode: number, path: string, call: string): FileError | undefined {
  if ((amode & MODE_SEQUENTIAL) === 0) return undefined;
  return fileError(path, 'MPI_ERR_UNSUPPORTED_OPERATION', 'ENOTSUP', `${call} on a file opened MODE_SEQUENTIAL (use the shared-pointer calls)`);
}
