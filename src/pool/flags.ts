import { closeSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * Chunks sent to one worker are numbered 1, 2, 3... (`seq`, per worker). The worker
 * stores the seq it starts in claimedSlot; rank 0 withdraws one not started yet by storing
 * its seq in vetoSlot(rank, seq). Each side stores, then loads the other's slot
 * (Dekker-style): at least one of them sees the other's store, so a chunk is either
 * withdrawn or run, never both. VETO_SLOTS exceeds the chunks a worker may hold.
 */
export const VETO_SLOTS = 256;
export const FLAG_STRIDE = VETO_SLOTS + 1;
export const claimedSlot = (rank: number): number => rank * FLAG_STRIDE;
export const vetoSlot = (rank: number, seq: number): number => rank * FLAG_STRIDE + 1 + (seq % VETO_SLOTS);

/** The int32 slots both sides of a pool read and write, for ranks 0..size. */
export interface ClaimFlags {
  store(index: number, value: number): void;
  load(index: number): number;
  /** Zeroes `rank`'s slots, for a fresh worker. */
  clear(rank: number): void;
}

/** Slots in shared memory (threads): atomic loads and stores. */
export class SharedFlags implements ClaimFlags {
  readonly view: Int32Array;

  constructor(buffer: SharedArrayBuffer) {
    this.view = new Int32Array(buffer);
  }

  static create(size: number): SharedFlags {
    return new SharedFlags(new SharedArrayBuffer(4 * FLAG_STRIDE * (size + 1)));
  }

  store(index: number, value: number): void {
    Atomics.store(this.view, index, value);
  }

  load(index: number): number {
    return Atomics.load(this.view, index);
  }

  clear(rank: number): void {
    this.view.fill(0, claimedSlot(rank), claimedSlot(rank) + FLAG_STRIDE);
  }
}

/**
 * Slots in a file that rank 0 and its worker processes share, read and written with
 * pread/pwrite: Node offers no shared memory between processes, but every process sees a
 * write to a file's page cache as soon as the write returns (and the file lives in
 * /dev/shm where there is one). A few microseconds per chunk, only on the withdraw path
 * and at each chunk's start.
 */
export class FileFlags implements ClaimFlags {
  private readonly fd: number;
  private readonly cell = Buffer.alloc(4);

  constructor(path: string, size?: number) {
    this.fd = openSync(path, size === undefined ? 'r+' : 'w+', 0o600);
    if (size !== undefined) ftruncateSync(this.fd, 4 * FLAG_STRIDE * (size + 1));
  }

  store(index: number, value: number): void {
    this.cell.writeInt32LE(value, 0);
    writeSync(this.fd, this.cell, 0, 4, index * 4);
  }

  load(index: number): number {
    return readSync(this.fd, this.cell, 0, 4, index * 4) === 4 ? this.cell.readInt32LE(0) : 0;
  }

  clear(rank: number): void {
    writeSync(this.fd, Buffer.alloc(4 * FLAG_STRIDE), 0, 4 * FLAG_STRIDE, claimedSlot(rank) * 4);
  }

  close(): void {
    closeSync(this.fd);
  }
}

/**
 * No shared slots: the ranks of a communicator may be on other machines. Rank 0 reads
 * every chunk as claimed (a chunk sent is never withdrawn), and a worker finds no veto.
 */
export const NO_FLAGS: ClaimFlags = {
  store: () => undefined,
  load: () => Number.MAX_SAFE_INTEGER,
  clear: () => undefined,
};
