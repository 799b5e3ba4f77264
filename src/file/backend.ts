// What File asks of a transport's file implementation: Node's positional I/O (threads,
// processes: posix.ts) or MPI_File_* (mpi-file.ts). Offsets and pointers count the view's
// etype elements; buffers are bytes (a whole number of elements); results are bytes moved.
import type { View } from './view.ts';

/** Where `seek` counts from. */
export type Whence = 'set' | 'cur' | 'end';

export interface FileBackend {
  // Explicit offsets: independent, and collective (*All).
  readAt(offset: number, buf: Uint8Array): Promise<number>;
  writeAt(offset: number, buf: Uint8Array): Promise<number>;
  /**
   * Collective reads and writes. A backend with `checksAll` takes this rank's failed
   * checks as `failed` and agrees on them in its own first exchange (one round less).
   */
  readAtAll(offset: number, buf: Uint8Array, failed?: unknown): Promise<number>;
  writeAtAll(offset: number, buf: Uint8Array, failed?: unknown): Promise<number>;
  readonly checksAll?: boolean;
  iReadAt(offset: number, buf: Uint8Array): Promise<number>;
  iWriteAt(offset: number, buf: Uint8Array): Promise<number>;
  // The individual file pointer.
  read(buf: Uint8Array): Promise<number>;
  write(buf: Uint8Array): Promise<number>;
  seek(offset: number, whence: Whence): Promise<void>;
  position(): number;
  // The shared file pointer (seekShared and the ordered calls are collective).
  readShared(buf: Uint8Array): Promise<number>;
  writeShared(buf: Uint8Array): Promise<number>;
  readOrdered(buf: Uint8Array): Promise<number>;
  writeOrdered(buf: Uint8Array): Promise<number>;
  seekShared(offset: number, whence: Whence): Promise<void>;
  positionShared(): Promise<number>;
  // The file (setSize, preallocate, sync, setView and close are collective).
  size(): Promise<number>;
  setSize(bytes: number): Promise<void>;
  preallocate(bytes: number): Promise<void>;
  sync(): Promise<void>;
  setView(view: View): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional fast agreement before a collective call: true when any rank failed its
   * checks (then every rank exchanges the errors). MPI does it with one MPI_Allreduce.
   */
  anyFailed?(failed: boolean): boolean;
}
