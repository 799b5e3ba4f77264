// Files on threads and processes: Node's positional I/O (pread/pwrite through a
// FileHandle per rank), with the collective parts done over the file's own communicator
// (a dup of the one it was opened on): two-phase I/O (two-phase.ts), a shared pointer
// served by rank 0 (shared-pointer.ts), and every collective ending in an agreement.
import { open, unlink, type FileHandle } from 'node:fs/promises';
import type { Communicator } from '../comm/communicator.ts';
import type { FileBackend, Whence } from './backend.ts';
import { readFull, writeFull } from './io.ts';
import { MODE_APPEND, MODE_DELETE_ON_CLOSE, fileError, openFlags } from './modes.ts';
import { exchange, settle, type Gather } from './outcome.ts';
import { SharedPointer } from './shared-pointer.ts';
import { collective, type Aggregation } from './two-phase.ts';
import { BYTES, type View } from './view.ts';

const WHENCE: Record<Whence, number> = { set: 0, cur: 1, end: 2 };
const ZEROS = 1 << 20;

export class PosixFile implements FileBackend {
  private view: View = BYTES;
  /** The individual pointer, in etypes. */
  private ptr: number;
  private readonly shared: SharedPointer;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Every rank's value: the file's own exchange (one round of messages). */
  readonly gather: Gather;

  private constructor(
    private readonly comm: Communicator,
    private readonly h: FileHandle,
    private readonly path: string,
    private readonly amode: number,
    private readonly aggregation: Aggregation,
    start: number,
  ) {
    this.ptr = start;
    this.gather = exchange(comm);
    this.shared = new SharedPointer(comm, start);
  }

  /**
   * Opens collectively on `comm` (the file's own communicator): rank 0 first, creating
   * the file if asked (so MODE_EXCL is judged once), then the others; a failure anywhere
   * fails the open on every rank.
   */
  static async open(comm: Communicator, path: string, amode: number, aggregation: Aggregation): Promise<PosixFile> {
    let h: FileHandle | undefined;
    let error: unknown;
    const gather = exchange(comm);
    if (comm.rank === 0) {
      try {
        h = await open(path, openFlags(amode, true), 0o666);
      } catch (err) {
        error = err;
      }
    }
    await settle(gather, path, error, 'open');
    let start = 0;
    try {
      if (comm.rank !== 0) h = await open(path, openFlags(amode, false));
      if ((amode & MODE_APPEND) !== 0) start = (await h!.stat()).size;
    } catch (err) {
      error = err;
    }
    try {
      await settle(gather, path, error, 'open');
    } catch (err) {
      await h?.close().catch(() => {});
      throw err;
    }
    return new PosixFile(comm, h!, path, amode, aggregation, start);
  }

  readAt(offset: number, buf: Uint8Array): Promise<number> {
    return this.track(readFull(this.h, buf, this.at(offset)));
  }

  writeAt(offset: number, buf: Uint8Array): Promise<number> {
    return this.track(writeFull(this.h, buf, this.at(offset)));
  }

  readonly checksAll = true;

  readAtAll(offset: number, buf: Uint8Array, failed?: unknown): Promise<number> {
    return this.track(collective(this.comm, this.gather, this.h, this.path, false, failed === undefined ? this.at(offset) : 0, buf, this.aggregation, failed));
  }

  writeAtAll(offset: number, buf: Uint8Array, failed?: unknown): Promise<number> {
    return this.track(collective(this.comm, this.gather, this.h, this.path, true, failed === undefined ? this.at(offset) : 0, buf, this.aggregation, failed));
  }

  iReadAt(offset: number, buf: Uint8Array): Promise<number> {
    return this.readAt(offset, buf);
  }

  iWriteAt(offset: number, buf: Uint8Array): Promise<number> {
    return this.writeAt(offset, buf);
  }

  // The pointer moves when the call is made (so calls not awaited go one after another),
  // and back to where a read stopped when it met the end of the file.
  async read(buf: Uint8Array): Promise<number> {
    const at = this.ptr;
    const n = buf.byteLength / this.view.size;
    this.ptr += n;
    const got = await this.readAt(at, buf);
    if (got < buf.byteLength && this.ptr === at + n) this.ptr = at + Math.floor(got / this.view.size);
    return got;
  }

  write(buf: Uint8Array): Promise<number> {
    const at = this.ptr;
    this.ptr += buf.byteLength / this.view.size;
    return this.writeAt(at, buf);
  }

  async seek(offset: number, whence: Whence): Promise<void> {
    const base = whence === 'set' ? 0 : whence === 'cur' ? this.ptr : await this.endInEtypes();
    const to = base + offset;
    if (to < 0) throw fileError(this.path, 'MPI_ERR_ARG', 'EINVAL', `seek(${offset}, '${whence}') would move the file pointer before the view's start`);
    this.ptr = to;
  }

  position(): number {
    return this.ptr;
  }

  async readShared(buf: Uint8Array): Promise<number> {
    const at = await this.track(this.shared.fetchAdd(buf.byteLength));
    return this.track(readFull(this.h, buf, this.view.disp + at));
  }

  async writeShared(buf: Uint8Array): Promise<number> {
    const at = await this.track(this.shared.fetchAdd(buf.byteLength));
    return this.track(writeFull(this.h, buf, this.view.disp + at));
  }

  readOrdered(buf: Uint8Array): Promise<number> {
    return this.track(this.ordered(false, buf));
  }

  writeOrdered(buf: Uint8Array): Promise<number> {
    return this.track(this.ordered(true, buf));
  }

  async seekShared(offset: number, whence: Whence): Promise<void> {
    const c = this.comm;
    const all = (await this.gather([offset, WHENCE[whence]] as const)).flat();
    let error: unknown;
    for (let r = 1; r < c.size; r++) {
      if (all[2 * r] !== all[0] || all[2 * r + 1] !== all[1])
        error = fileError(
          this.path,
          'MPI_ERR_NOT_SAME',
          'EINVAL',
          `seekShared is collective: every rank must pass the same offset and whence (rank 0: ${all[0]}, rank ${r}: ${all[2 * r]})`,
        );
    }
    if (error === undefined && c.rank === 0) {
      try {
        const es = this.view.size;
        const base = whence === 'set' ? 0 : whence === 'cur' ? this.shared.get() : (await this.endInEtypes()) * es;
        const to = base + offset * es;
        if (to < 0)
          throw fileError(this.path, 'MPI_ERR_ARG', 'EINVAL', `seekShared(${offset}, '${whence}') would move the shared pointer before the view's start`);
        this.shared.set(to);
      } catch (err) {
        error = err;
      }
    }
    await settle(this.gather, this.path, error, 'seekShared');
  }

  async positionShared(): Promise<number> {
    return Math.floor((await this.shared.fetchAdd(0)) / this.view.size);
  }

  async size(): Promise<number> {
    return (await this.h.stat()).size;
  }

  async setSize(bytes: number): Promise<void> {
    await this.idle();
    let error: unknown;
    if (this.comm.rank === 0) {
      try {
        await this.h.truncate(bytes);
      } catch (err) {
        error = err;
      }
    }
    this.same(await settle(this.gather, this.path, error, 'setSize', bytes), 'setSize', 'size');
  }

  async preallocate(bytes: number): Promise<void> {
    await this.idle();
    let error: unknown;
    if (this.comm.rank === 0) {
      try {
        // Storage is claimed by writing zeros past the end (what ROMIO does where the file system has no fallocate).
        const zeros = new Uint8Array(ZEROS);
        for (let at = (await this.h.stat()).size; at < bytes; at += ZEROS) await writeFull(this.h, zeros.subarray(0, Math.min(ZEROS, bytes - at)), at);
      } catch (err) {
        error = err;
      }
    }
    this.same(await settle(this.gather, this.path, error, 'preallocate', bytes), 'preallocate', 'size');
  }

  async sync(): Promise<void> {
    await this.idle();
    let error: unknown;
    try {
      await this.h.sync();
    } catch (err) {
      error = err;
    }
    await settle(this.gather, this.path, error, 'sync');
  }

  async setView(view: View): Promise<void> {
    await this.idle();
    this.same(await settle(this.gather, this.path, undefined, 'setView', view.size), 'setView', 'etype size');
    this.view = view;
    this.ptr = 0;
    if (this.comm.rank === 0) this.shared.set(0);
    // Nobody moves the shared pointer before rank 0 has reset it.
    await settle(this.gather, this.path, undefined, 'setView');
  }

  async close(): Promise<void> {
    await this.idle();
    // Every rank is done with the shared pointer: rank 0 stops serving it.
    await settle(this.gather, this.path, undefined, 'close');
    this.shared.stop();
    let error: unknown;
    try {
      await this.h.close();
    } catch (err) {
      error = err;
    }
    await settle(this.gather, this.path, error, 'close');
    if ((this.amode & MODE_DELETE_ON_CLOSE) === 0) return;
    // Deleted once every rank has closed it; close returns once it is gone.
    if (this.comm.rank === 0) {
      try {
        await unlink(this.path);
      } catch (err) {
        error = err;
      }
    }
    await settle(this.gather, this.path, error, 'close');
  }

  // Ordered calls: rank i's data goes after ranks 0..i-1's, from the shared pointer on.
  private async ordered(write: boolean, buf: Uint8Array): Promise<number> {
    const c = this.comm;
    const all = (await this.gather([buf.byteLength, c.rank === 0 ? this.shared.get() : 0] as const)).flat();
    let before = 0;
    let total = 0;
    for (let r = 0; r < c.size; r++) {
      if (r < c.rank) before += all[2 * r]!;
      total += all[2 * r]!;
    }
    const base = all[1]!;
    if (c.rank === 0) this.shared.set(base + total);
    let error: unknown;
    let got = 0;
    try {
      const at = this.view.disp + base + before;
      got = write ? await writeFull(this.h, buf, at) : await readFull(this.h, buf, at);
    } catch (err) {
      error = err;
    }
    await settle(this.gather, this.path, error, write ? 'writeOrdered' : 'readOrdered');
    return got;
  }

  private at(offset: number): number {
    return this.view.disp + offset * this.view.size;
  }

  private async endInEtypes(): Promise<number> {
    return Math.floor(Math.max(0, (await this.size()) - this.view.disp) / this.view.size);
  }

  // A collective's argument must be the same on every rank; all ranks see the same list, so all throw alike.
  private same(values: number[], call: string, what: string): void {
    const r = values.findIndex((v) => v !== values[0]);
    if (r > 0)
      throw fileError(
        this.path,
        'MPI_ERR_NOT_SAME',
        'EINVAL',
        `${call} is collective: every rank must pass the same ${what} (rank 0: ${values[0]}, rank ${r}: ${values[r]})`,
      );
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    const drop = (): void => void this.inFlight.delete(p);
    p.then(drop, drop);
    return p;
  }

  // Waits for this rank's calls in flight (their errors are theirs to report).
  private async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }
}
