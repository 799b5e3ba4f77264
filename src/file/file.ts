import { unlink } from 'node:fs/promises';
import type { Communicator } from '../comm/communicator.ts';
import { Request } from '../comm/request.ts';
import { world } from '../comm/world.ts';
import { FileError } from '../errors.ts';
import { TransportOp } from '../transport/op.ts';
import type { FileBackend, Whence } from './backend.ts';
import { bytesOf, checkAccess, checkCount, checkNotSequential, checkSeek, pathOf } from './checks.ts';
import { checkAmode, fileError } from './modes.ts';
import { allgatherOf, settle, toFileError, type Gather } from './outcome.ts';
import { PosixFile } from './posix.ts';
import type { Aggregation } from './two-phase.ts';
import { BYTES, makeView, type Etype, type View, type ViewOptions } from './view.ts';

export type { Etype, ViewOptions } from './view.ts';
export type { Whence } from './backend.ts';
export type { Aggregation } from './two-phase.ts';

/** Options of `File.open`. */
export interface FileOpenOptions {
  /**
   * How `readAtAll`/`writeAtAll` move data on threads and processes: `'auto'` (default)
   * sends blocks smaller than 1 MiB on average through aggregator ranks that write
   * contiguous runs (two-phase I/O); `'always'` and `'never'` force one way. MPI ignores
   * it (MPI_File_*_all decide for themselves).
   */
  aggregation?: Aggregation;
}

const NOOP = (): void => {};

/**
 * A file opened by every rank of a communicator (mpi4py's `MPI.File`): independent and
 * collective reads and writes at explicit offsets, an individual and a shared file
 * pointer, views that count in elements. Threads and processes use Node's positional
 * file I/O; under MPI it is MPI_File_*, so ranks, mpi4py and C programs read one
 * another's files. Failures are FileErrors (code ERR_FILE) with the path, MPI's error
 * class and the system's code; a collective call fails on every rank alike.
 *
 * @example
 * const comm = world();
 * const fh = await File.open(comm, 'out.dat', MODE_CREATE | MODE_WRONLY);
 * const block = new Float64Array(1024).fill(comm.rank);
 * await fh.writeAtAll(comm.rank * block.byteLength, block);
 * await fh.close();
 */
export class File {
  private view: View = BYTES;
  private closed = false;
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    /** The communicator the file was opened on. */
    readonly comm: Communicator,
    /** The file's path. */
    readonly path: string,
    /** The access mode it was opened with (MODE_* bits). */
    readonly amode: number,
    private readonly backend: FileBackend,
    private readonly agreeOn: Gather,
  ) {}

  /**
   * Opens `path` on every rank of `comm` (collective). `amode` is MODE_* bits: exactly one
   * of MODE_RDONLY, MODE_WRONLY and MODE_RDWR, plus MODE_CREATE, MODE_EXCL, MODE_APPEND,
   * MODE_DELETE_ON_CLOSE, MODE_UNIQUE_OPEN, MODE_SEQUENTIAL. Every rank must pass the
   * same path and mode. A failure on any rank (ENOENT, EEXIST with MODE_EXCL, a bad mode)
   * rejects on every rank with the same FileError.
   *
   * @example
   * const fh = await File.open(world(), 'data.bin', MODE_RDWR | MODE_CREATE);
   */
  static async open(comm: Communicator, path: string | URL, amode: number, options?: FileOpenOptions): Promise<File> {
    const p = pathOf(path);
    const name = p ?? String(path);
    const aggregation = options?.aggregation ?? 'auto';
    let error: FileError | undefined;
    if (p === undefined) error = fileError(name, 'MPI_ERR_BAD_FILE', 'EINVAL', `Expected \`path\` to be a non-empty string or a file: URL, got ${typeof path}`);
    error ??= checkAmode(amode, name);
    if (!error && aggregation !== 'auto' && aggregation !== 'always' && aggregation !== 'never') {
      error = fileError(name, 'MPI_ERR_ARG', 'EINVAL', `Expected \`aggregation\` to be 'auto', 'always' or 'never', got ${String(aggregation)}`);
    }
    const all = await settle(allgatherOf(comm), name, error, 'open', [name, amode] as const);
    const differs = all.findIndex(([q, m]) => q !== name || m !== amode);
    if (differs >= 0)
      throw fileError(
        name,
        'MPI_ERR_NOT_SAME',
        'EINVAL',
        `open is collective: every rank must pass the same path and amode (rank ${differs}: ${all[differs]![0]}, ${all[differs]![1]})`,
      );
    if (comm.transport.name === 'mpi') {
      const { MpiFile } = await import('./mpi-file.ts');
      return new File(comm, name, amode, MpiFile.open(comm, name, amode), allgatherOf(comm));
    }
    const posix = await PosixFile.open(await comm.dup(), name, amode, aggregation);
    return new File(comm, name, amode, posix, posix.gather);
  }

  /**
   * Deletes a file (not collective: one rank calls it). Rejects with a FileError
   * (ENOENT, MPI_ERR_NO_SUCH_FILE) when there is no such file.
   *
   * @example
   * if (comm.rank === 0) await File.delete('out.dat');
   */
  static async delete(path: string | URL): Promise<void> {
    const p = pathOf(path);
    if (p === undefined)
      throw fileError(String(path), 'MPI_ERR_BAD_FILE', 'EINVAL', `Expected \`path\` to be a non-empty string or a file: URL, got ${typeof path}`);
    if (world().transport.name === 'mpi') {
      const { MpiFile } = await import('./mpi-file.ts');
      MpiFile.delete(p);
      return;
    }
    await unlink(p).catch((err: unknown) => {
      throw toFileError(err, p, 'delete');
    });
  }

  /** Closes the file on every rank (collective), after this rank's calls in flight; MODE_DELETE_ON_CLOSE deletes it then. */
  close(): Promise<void> {
    return this.collective('close', undefined, async () => {
      await this.backend.close();
      this.closed = true;
    });
  }

  /** The file's size in bytes. */
  getSize(): Promise<number> {
    return this.independent('getSize', undefined, () => this.backend.size());
  }

  /** Truncates or extends the file to `bytes` (collective; every rank passes the same size). */
  setSize(bytes: number): Promise<void> {
    return this.collective('setSize', checkCount(bytes, 'bytes', this.path) ?? checkAccess(this.amode, this.path, 'setSize', true, false), () =>
      this.backend.setSize(bytes),
    );
  }

  /** Makes sure storage for `bytes` bytes is allocated (collective); the size grows to at least `bytes`. */
  preallocate(bytes: number): Promise<void> {
    return this.collective('preallocate', checkCount(bytes, 'bytes', this.path) ?? checkAccess(this.amode, this.path, 'preallocate', true, false), () =>
      this.backend.preallocate(bytes),
    );
  }

  /** Flushes every rank's writes to the storage device (collective). */
  sync(): Promise<void> {
    return this.collective('sync', undefined, () => this.backend.sync());
  }

  /**
   * Sets the view (collective): `disp` bytes are skipped and offsets, counts and pointers
   * then count `etype` elements. Resets both file pointers to 0.
   *
   * @example
   * await fh.setView({ disp: 0, etype: Float64Array });
   * await fh.readAt(10, into); // elements 10.. of the file, as doubles
   */
  setView(options: ViewOptions): Promise<void> {
    const view = makeView(options);
    const error = typeof view === 'string' ? fileError(this.path, 'MPI_ERR_ARG', 'EINVAL', view) : undefined;
    return this.collective('setView', error, async () => {
      await this.backend.setView(view as View);
      this.view = view as View;
    });
  }

  /** The view: displacement in bytes and element type. */
  getView(): { disp: number; etype: Etype } {
    return { disp: this.view.disp, etype: this.view.etype };
  }

  /**
   * Reads into `into` from element `offset` (independent); resolves with the elements
   * read (fewer at the end of the file).
   *
   * @example
   * const n = await fh.readAt(0, new Float64Array(100));
   */
  readAt(offset: number, into: ArrayBufferView): Promise<number> {
    return this.data('readAt', false, true, into, offset, (b) => this.backend.readAt(offset, b));
  }

  /** Writes `data` at element `offset` (independent); resolves with the elements written. */
  writeAt(offset: number, data: ArrayBufferView): Promise<number> {
    return this.data('writeAt', true, true, data, offset, (b) => this.backend.writeAt(offset, b));
  }

  /**
   * Collective readAt: every rank calls it with its own offset and buffer. Small
   * interleaved blocks are read by a few aggregator ranks in large runs (two-phase I/O).
   */
  readAtAll(offset: number, into: ArrayBufferView): Promise<number> {
    return this.data('readAtAll', false, true, into, offset, (b, failed) => this.backend.readAtAll(offset, b, failed), true);
  }

  /**
   * Collective writeAt: every rank calls it with its own offset and block. Small
   * interleaved blocks go to a few aggregator ranks, which write contiguous runs.
   *
   * @example
   * await fh.writeAtAll(comm.rank * block.length, block); // with a view of block's etype
   */
  writeAtAll(offset: number, data: ArrayBufferView): Promise<number> {
    return this.data('writeAtAll', true, true, data, offset, (b, failed) => this.backend.writeAtAll(offset, b, failed), true);
  }

  /** Non-blocking readAt: a Request that resolves with the elements read. */
  ireadAt(offset: number, into: ArrayBufferView): Request<number> {
    return request(this.data('ireadAt', false, true, into, offset, (b) => this.backend.iReadAt(offset, b)));
  }

  /**
   * Non-blocking writeAt: a Request that resolves with the elements written.
   *
   * @example
   * const r = fh.iwriteAt(0, block); compute(); await r;
   */
  iwriteAt(offset: number, data: ArrayBufferView): Request<number> {
    return request(this.data('iwriteAt', true, true, data, offset, (b) => this.backend.iWriteAt(offset, b)));
  }

  /** Reads at the individual file pointer and moves it past what was read. */
  read(into: ArrayBufferView): Promise<number> {
    return this.data('read', false, true, into, 0, (b) => this.backend.read(b));
  }

  /** Writes at the individual file pointer and moves it past what was written. */
  write(data: ArrayBufferView): Promise<number> {
    return this.data('write', true, true, data, 0, (b) => this.backend.write(b));
  }

  /**
   * Moves the individual file pointer (in elements) from the view's start, from where it
   * is, or from the end of the file. 'set' and 'cur' take effect at once.
   *
   * @example
   * await fh.seek(0, 'set');
   */
  seek(offset: number, whence: Whence = 'set'): Promise<void> {
    const error = this.usable('seek') ?? checkSeek(offset, whence, this.path) ?? checkNotSequential(this.amode, this.path, 'seek');
    if (error) return Promise.reject(error);
    return this.backend.seek(offset, whence).catch((err: unknown) => Promise.reject(toFileError(err, this.path, 'seek')));
  }

  /** Where the individual file pointer is, in elements. */
  getPosition(): number {
    return this.backend.position();
  }

  /** Reads at the shared file pointer (which every rank moves); independent. */
  readShared(into: ArrayBufferView): Promise<number> {
    return this.data('readShared', false, false, into, 0, (b) => this.backend.readShared(b));
  }

  /**
   * Writes at the shared file pointer, which every rank of the file moves atomically
   * (independent): each rank's data lands whole, in the order the ranks got there.
   *
   * @example
   * await fh.writeShared(new TextEncoder().encode(`rank ${comm.rank} done\n`));
   */
  writeShared(data: ArrayBufferView): Promise<number> {
    return this.data('writeShared', true, false, data, 0, (b) => this.backend.writeShared(b));
  }

  /** Collective read at the shared pointer, in rank order: rank i reads after ranks 0..i-1. */
  readOrdered(into: ArrayBufferView): Promise<number> {
    return this.data('readOrdered', false, false, into, 0, (b) => this.backend.readOrdered(b), true);
  }

  /**
   * Collective write at the shared pointer, in rank order: rank i's data follows ranks 0..i-1's.
   *
   * @example
   * await fh.writeOrdered(new TextEncoder().encode(`line from rank ${comm.rank}\n`));
   */
  writeOrdered(data: ArrayBufferView): Promise<number> {
    return this.data('writeOrdered', true, false, data, 0, (b) => this.backend.writeOrdered(b), true);
  }

  /** Moves the shared file pointer (collective; every rank passes the same arguments). */
  seekShared(offset: number, whence: Whence = 'set'): Promise<void> {
    return this.collective('seekShared', checkSeek(offset, whence, this.path), () => this.backend.seekShared(offset, whence));
  }

  /** Where the shared file pointer is, in elements. */
  getPositionShared(): Promise<number> {
    return this.independent('getPositionShared', undefined, () => this.backend.positionShared());
  }

  // A call that moves data: checks the mode and the buffer, then runs on this rank alone
  // or, for a collective, after every rank has agreed that every rank's call is sound.
  private data(
    call: string,
    write: boolean,
    positional: boolean,
    buf: ArrayBufferView,
    offset: number,
    run: (b: Uint8Array, failed?: FileError) => Promise<number>,
    all = false,
  ): Promise<number> {
    const bytes = bytesOf(buf, this.view, this.path);
    const error = checkAccess(this.amode, this.path, call, write, positional) ?? (bytes instanceof FileError ? bytes : checkCount(offset, 'offset', this.path));
    const size = this.view.size;
    if (all && this.backend.checksAll) {
      // The backend agrees on the checks in its own first exchange.
      const failed = this.usable(call) ?? error;
      const b = failed ? new Uint8Array(0) : (bytes as Uint8Array);
      return this.collective(call, undefined, async () => (await run(b, failed)) / size, false);
    }
    const go = async (): Promise<number> => (await run(bytes as Uint8Array)) / size;
    return all ? this.collective(call, error, go) : this.independent(call, error, go);
  }

  private independent<T>(call: string, error: FileError | undefined, run: () => Promise<T>): Promise<T> {
    const e = this.usable(call) ?? error;
    if (e) return Promise.reject(e);
    return run().catch((err: unknown) => Promise.reject(toFileError(err, this.path, call)));
  }

  // Collectives of one file run one after another, in call order, each after an
  // agreement on every rank's arguments (a bad one fails the call on every rank).
  private collective<T>(call: string, error: FileError | undefined, run: () => Promise<T>, check = true): Promise<T> {
    const e = this.usable(call) ?? error;
    const start = async (): Promise<T> => {
      const fast = this.backend.anyFailed;
      if (check && (!fast || fast.call(this.backend, e !== undefined))) await settle(this.agreeOn, this.path, e, call);
      try {
        return await run();
      } catch (err) {
        throw toFileError(err, this.path, call);
      }
    };
    const p = this.tail.then(start, start);
    this.tail = p.then(NOOP, NOOP);
    return p;
  }

  private usable(call: string): FileError | undefined {
    return this.closed ? fileError(this.path, 'MPI_ERR_FILE', 'EBADF', `${call} on a closed file`) : undefined;
  }
}

function request(p: Promise<number>): Request<number> {
  const op = new TransportOp<number>();
  p.then(
    (v) => op.resolve(v),
    (e: unknown) => op.reject(e),
  );
  return new Request(op);
}
