// Files under the MPI transport: MPI_File_* on the communicator's own MPI communicator,
// so the file is MPI's (a file ranks write reads back with mpi4py's MPI.File, and the
// reverse). The calls block this rank's thread as they do in C and mpi4py (MPI moves
// messages inside them, so other ranks' traffic keeps flowing); iread_at/iwrite_at go
// through the transport's request table and complete as it polls.
/* eslint-disable @typescript-eslint/require-await -- the backend's calls are async; MPI's blocking ones finish here, and `async` turns their throws into rejections as the other backends' */
import type { Communicator } from '../comm/communicator.ts';
import type { FileError } from '../errors.ts';
import type { StatusFields } from '../transport/mpi/abi.ts';
import { mpi, type Mpi } from '../transport/mpi/bindings.ts';
import type { RequestOwner } from '../transport/mpi/requests.ts';
import type { MpiTransport } from '../transport/mpi/transport.ts';
import type { FileBackend, Whence } from './backend.ts';
import { fileBinding, type FileBinding } from './mpi-bindings.ts';
import { fileError } from './modes.ts';
import { CODE_OF_CLASS } from './outcome.ts';
import { BYTES, type View } from './view.ts';

const SEEK: Record<Whence, number> = { set: 600, cur: 602, end: 604 };
/** MPI counts are C ints. */
const MAX_COUNT = 2 ** 31 - 1;

/** A non-blocking transfer in flight: keeps its buffer alive until MPI is done with it. */
class Transfer implements RequestOwner {
  slot = -1;
  done = false;
  constructor(
    readonly buf: Uint8Array,
    readonly settle: (st: StatusFields) => void,
  ) {}
  complete(st: StatusFields): void {
    this.done = true;
    this.settle(st);
  }
}

export class MpiFile implements FileBackend {
  private view: View = BYTES;
  private readonly status: Int32Array;
  private readonly out: StatusFields = { source: 0, tag: 0, error: 0, count: 0, cancelled: false };
  private readonly offset = new BigInt64Array(1);

  private constructor(
    private readonly m: Mpi,
    private readonly b: FileBinding,
    private readonly t: MpiTransport,
    private readonly cell: BigInt64Array,
    private readonly path: string,
    /** A dup of the file's communicator, for the checks' MPI_Allreduce before each collective. */
    private readonly agree: Uint8Array,
  ) {
    this.status = new Int32Array(m.abi.statusBytes / 4);
  }

  private get fh(): number {
    return Number(this.cell[0]!);
  }

  /** MPI_File_open on the communicator's MPI communicator (collective). */
  static open(comm: Communicator, path: string, amode: number): MpiFile {
    const m = mpi();
    const b = fileBinding(m);
    const t = comm.transport as unknown as MpiTransport;
    const ch = t.channel(comm.context);
    // In a job mixed with other programs, the world's ranks-only communicator.
    const handle = ch.mixed ? t.channel(comm.context + 1).comm : ch.comm;
    const cell = new BigInt64Array(1);
    check(m, b, b.fn.File_open(handle, path, amode, b.infoNull, cell), path, 'open');
    const agree = new Uint8Array(8);
    m.check(m.fn.Comm_dup(handle, agree), 'MPI_Comm_dup');
    return new MpiFile(m, b, t, cell, path, agree);
  }

  /** MPI_File_delete. */
  static delete(path: string): void {
    const m = mpi();
    const b = fileBinding(m);
    check(m, b, b.fn.File_delete(path, b.infoNull), path, 'delete');
  }

  readAt(offset: number, buf: Uint8Array): Promise<number> {
    return this.xferAt(this.b.fn.File_read_at, 'readAt', offset, buf);
  }

  writeAt(offset: number, buf: Uint8Array): Promise<number> {
    return this.xferAt(this.b.fn.File_write_at, 'writeAt', offset, buf);
  }

  // ROMIO's collective reads report the whole count even past the end of the file: the
  // count is clamped to what the file holds, as the independent read reports it.
  async readAtAll(offset: number, buf: Uint8Array): Promise<number> {
    const got = await this.xferAt(this.b.fn.File_read_at_all, 'readAtAll', offset, buf);
    const end = (await this.size()) - (this.view.disp + offset * this.view.size);
    return Math.max(0, Math.min(got, end));
  }

  writeAtAll(offset: number, buf: Uint8Array): Promise<number> {
    return this.xferAt(this.b.fn.File_write_at_all, 'writeAtAll', offset, buf);
  }

  iReadAt(offset: number, buf: Uint8Array): Promise<number> {
    return this.start(this.b.fn.File_iread_at, 'ireadAt', offset, buf);
  }

  iWriteAt(offset: number, buf: Uint8Array): Promise<number> {
    return this.start(this.b.fn.File_iwrite_at, 'iwriteAt', offset, buf);
  }

  read(buf: Uint8Array): Promise<number> {
    return this.xfer(this.b.fn.File_read, 'read', buf);
  }

  write(buf: Uint8Array): Promise<number> {
    return this.xfer(this.b.fn.File_write, 'write', buf);
  }

  // A pointer before the view's start is refused here: libraries differ in how they say so.
  async seek(offset: number, whence: Whence): Promise<void> {
    const base = whence === 'set' ? 0 : whence === 'cur' ? this.position() : Math.floor(Math.max(0, (await this.size()) - this.view.disp) / this.view.size);
    if (base + offset < 0)
      throw fileError(this.path, 'MPI_ERR_ARG', 'EINVAL', `seek(${offset}, '${whence}') would move the file pointer before the view's start`);
    this.check(this.b.fn.File_seek(this.fh, offset, SEEK[whence]), 'seek');
  }

  position(): number {
    this.check(this.b.fn.File_get_position(this.fh, this.offset), 'getPosition');
    return Number(this.offset[0]!);
  }

  readShared(buf: Uint8Array): Promise<number> {
    return this.xfer(this.b.fn.File_read_shared, 'readShared', buf);
  }

  writeShared(buf: Uint8Array): Promise<number> {
    return this.xfer(this.b.fn.File_write_shared, 'writeShared', buf);
  }

  readOrdered(buf: Uint8Array): Promise<number> {
    return this.xfer(this.b.fn.File_read_ordered, 'readOrdered', buf);
  }

  writeOrdered(buf: Uint8Array): Promise<number> {
    return this.xfer(this.b.fn.File_write_ordered, 'writeOrdered', buf);
  }

  async seekShared(offset: number, whence: Whence): Promise<void> {
    this.check(this.b.fn.File_seek_shared(this.fh, offset, SEEK[whence]), 'seekShared');
  }

  async positionShared(): Promise<number> {
    this.check(this.b.fn.File_get_position_shared(this.fh, this.offset), 'getPositionShared');
    return Number(this.offset[0]!);
  }

  async size(): Promise<number> {
    this.check(this.b.fn.File_get_size(this.fh, this.offset), 'getSize');
    return Number(this.offset[0]!);
  }

  async setSize(bytes: number): Promise<void> {
    this.check(this.b.fn.File_set_size(this.fh, bytes), 'setSize');
  }

  async preallocate(bytes: number): Promise<void> {
    this.check(this.b.fn.File_preallocate(this.fh, bytes), 'preallocate');
  }

  async sync(): Promise<void> {
    this.check(this.b.fn.File_sync(this.fh), 'sync');
  }

  async setView(view: View): Promise<void> {
    const dt = this.m.abi.types[view.datatype];
    this.check(this.b.fn.File_set_view(this.fh, view.disp, dt, dt, 'native', this.b.infoNull), 'setView');
    this.view = view;
  }

  async close(): Promise<void> {
    this.check(this.b.fn.File_close(this.cell), 'close');
    this.m.check(this.m.fn.Comm_free(this.agree), 'MPI_Comm_free');
  }

  anyFailed(failed: boolean): boolean {
    const a = this.m.abi;
    const flag = Int32Array.of(failed ? 1 : 0);
    const any = new Int32Array(1);
    this.m.check(this.m.fn.Allreduce(flag, any, 1, a.types.int32, a.ops.max, a.readHandle(this.agree, 0)), 'MPI_Allreduce');
    return any[0] !== 0;
  }

  private count(buf: Uint8Array, call: string): number {
    const n = buf.byteLength / this.view.size;
    if (n > MAX_COUNT)
      throw fileError(
        this.path,
        'MPI_ERR_COUNT',
        'EINVAL',
        `${call} of ${n} elements is more than MPI's largest count (${MAX_COUNT}); use a larger etype or several calls`,
      );
    return n;
  }

  private async xferAt(f: FileBinding['fn']['File_read_at'], call: string, offset: number, buf: Uint8Array): Promise<number> {
    const n = this.count(buf, call);
    this.check(f(this.fh, offset, buf, n, this.m.abi.types[this.view.datatype], this.status), call);
    return this.m.abi.readStatus(this.status, 0, this.out).count;
  }

  private async xfer(f: FileBinding['fn']['File_read'], call: string, buf: Uint8Array): Promise<number> {
    const n = this.count(buf, call);
    this.check(f(this.fh, buf, n, this.m.abi.types[this.view.datatype], this.status), call);
    return this.m.abi.readStatus(this.status, 0, this.out).count;
  }

  // A non-blocking transfer: its request joins the transport's table, which completes it
  // when polled (right away, then on each event-loop turn until it is done).
  private start(f: FileBinding['fn']['File_iread_at'], call: string, offset: number, buf: Uint8Array): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const n = this.count(buf, call);
      const table = this.t.table;
      const x = new Transfer(buf, (st) => {
        if (st.error !== 0) reject(this.error(st.error, call));
        else resolve(st.count);
      });
      const addr = table.add(x, buf.byteLength);
      const rc = f(this.fh, offset, buf, n, this.m.abi.types[this.view.datatype], addr);
      if (rc !== 0) {
        table.drop(x);
        reject(this.error(rc, call));
        return;
      }
      if (table.test(x)) return;
      const poll = (): void => {
        if (x.done) return;
        table.poll();
        if (!x.done) setImmediate(poll);
      };
      setImmediate(poll);
    });
  }

  private check(rc: number, call: string): void {
    check(this.m, this.b, rc, this.path, call);
  }

  private error(rc: number, call: string): FileError {
    return errorOf(this.m, this.b, rc, this.path, call);
  }
}

function check(m: Mpi, b: FileBinding, rc: number, path: string, call: string): void {
  if (rc !== 0) throw errorOf(m, b, rc, path, call);
}

// MPI's error as a FileError: its class by name, the system code that class stands for.
function errorOf(m: Mpi, b: FileBinding, rc: number, path: string, call: string): FileError {
  const cls = [rc];
  m.fn.Error_class(rc, cls);
  const name = b.className(cls[0] ?? rc);
  return fileError(path, name, CODE_OF_CLASS[name] ?? 'EIO', `${call} failed: ${m.errorString(rc)}`);
}
