import { bytesOf, decodeReceived } from '../codec/encode.ts';
import { rawKind } from '../codec/kinds.ts';
import { PROC_NULL, ANY_TAG } from '../constants.ts';
import { InvalidArgumentError, InvalidStateError } from '../errors.ts';
import { TransportOp } from '../transport/op.ts';
import type { Received } from '../transport/transport.ts';
import type { RecvOptions, SendOptions } from './options.ts';
import type { PointToPoint } from './point-to-point.ts';
import { Request } from './request.ts';
import { Status } from './status.ts';
import { checkDest, checkInto, checkRecvTag, checkSendTag, checkSource } from './validate.ts';

const SENT = TransportOp.resolved<void>(undefined);
const NOTHING = TransportOp.resolved<unknown>(undefined);

/**
 * A persistent request (`comm.sendInit`, `comm.recvInit`; MPI_Send_init, MPI_Recv_init):
 * the operation's arguments are checked and its message envelope prepared once; each
 * `start()` runs it again. Await it or `test()` it like any Request; it is inactive until
 * started and once `waitAny`/`testAny`/`waitSome`/`testSome` reported it.
 *
 * @example
 * const buf = new Float64Array(1024);
 * const send = comm.sendInit(buf, right, { tag: 1 });
 * const recv = comm.recvInit({ source: left, tag: 1, into: new Float64Array(1024) });
 * for (let step = 0; step < 100; step++) {
 *   Request.startAll([recv, send]);
 *   await Request.waitAll([recv, send]);
 * }
 * send.free(); recv.free();
 */
export class Prequest<T = unknown> extends Request<T> {
  readonly #run: () => TransportOp<T>;
  readonly #what: string;
  #freed = false;

  /** @internal */
  constructor(run: () => TransportOp<T>, what: string, status?: Status) {
    super(undefined, status);
    this.#run = run;
    this.#what = what;
    this.inactive = true;
  }

  /**
   * Starts the operation once more. Throws InvalidStateError (ERR_INVALID_STATE) while
   * the last start has not finished, and after `free()`.
   */
  start(): this {
    if (this.#freed) throw new InvalidStateError(`${this.#what}: start() after free(); make a new persistent request`);
    if (this.op && !this.op.done)
      throw new InvalidStateError(`${this.#what}: start() while the request is active (its last start has not finished); await it first`);
    this.status.cancelled = false;
    this.op = this.#run() as TransportOp<unknown>;
    this.inactive = false;
    return this;
  }

  /** True from `start()` until its operation finishes. */
  get active(): boolean {
    return this.op !== undefined && !this.op.done;
  }

  /**
   * Lets the request go (MPI_Request_free): it cannot be started again. An operation in
   * progress still finishes.
   */
  free(): void {
    this.#freed = true;
  }
}

/** @internal comm.sendInit: the buffer's bytes are sent as they are at each start. */
export function sendInit(comm: PointToPoint, buf: unknown, dest: number, options: SendOptions | undefined, sync: boolean): Prequest<void> {
  const kind = rawKind(buf);
  if (kind === undefined)
    throw new InvalidArgumentError(
      `Expected \`buf\` to be a TypedArray, Buffer, DataView or ArrayBuffer (a persistent send resends the same memory), got ${buf === null ? 'null' : typeof buf}`,
    );
  const d = checkDest(dest, comm.reach);
  const tag = checkSendTag(options?.tag);
  const what = `${sync ? 'ssendInit' : 'sendInit'}(dest=${dest}, tag=${tag})`;
  if (d === PROC_NULL) return new Prequest(() => SENT, what);
  const bytes = bytesOf(buf as ArrayBufferView);
  const transport = comm.transport;
  const context = comm.context;
  const to = comm.world(d);
  return new Prequest(() => transport.send(context, to, tag, kind, bytes, sync), what);
}

/** @internal comm.recvInit: receives into `into` (or a new value) at each start. */
export function recvInit<T>(comm: PointToPoint, options: RecvOptions | undefined): Prequest<T> {
  const source = checkSource(options?.source, comm.reach);
  const tag = checkRecvTag(options?.tag);
  const into = checkInto(options?.into);
  const status = options?.status ?? new Status();
  const what = `recvInit(source=${source}, tag=${tag === ANY_TAG ? 'ANY_TAG' : tag})`;
  if (source === PROC_NULL) {
    return new Prequest(
      () => {
        status.fill(PROC_NULL, ANY_TAG, 0, 0);
        return NOTHING as TransportOp<T>;
      },
      what,
      status,
    );
  }
  const bytes = into && new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
  const transport = comm.transport;
  const context = comm.context;
  const from = comm.world(source);
  const finish = (r: Received): T => {
    status.fill(comm.local(r.source), r.tag, r.bytes, r.kind);
    return (into ?? decodeReceived(r.kind, r.data)) as T;
  };
  return new Prequest<T>(
    () => {
      const op = transport.recv(context, from, tag, bytes) as TransportOp<unknown>;
      if (op.done) return op.failed ? (op as TransportOp<T>) : TransportOp.resolved(finish(op.value as Received));
      op.finish = finish;
      return op as TransportOp<T>;
    },
    what,
    status,
  );
}
