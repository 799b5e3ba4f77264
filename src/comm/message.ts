import { decodeReceived } from '../codec/encode.ts';
import { ANY_TAG, PROC_NULL } from '../constants.ts';
import { InvalidStateError, KindMismatchError, TruncationError } from '../errors.ts';
import { TransportOp } from '../transport/op.ts';
import type { Matched, Received } from '../transport/transport.ts';
import { guard } from './guard.ts';
import type { ProbeOptions } from './options.ts';
import type { PointToPoint } from './point-to-point.ts';
import { Request } from './request.ts';
import { Status } from './status.ts';
import { checkInto, checkRecvTag, checkSource, checkTimeout } from './validate.ts';

/** Options of `Message.recv` / `Message.irecv`. */
export interface MessageRecvOptions<B extends ArrayBufferView = ArrayBufferView> {
  /** Receive raw bytes in place; the message must fit. */
  into?: B;
  /** Filled with the message's source, tag and size (as `message.status` already is). */
  status?: Status;
}

/**
 * A message that a matched probe (`comm.mprobe`, `comm.improbe`; MPI_Mprobe) took out of
 * matching: no receive can take it any more; `recv` receives it, once. A receive that
 * refuses it (too small an `into`: TruncationError) leaves it for another `recv`.
 *
 * @example
 * const msg = await comm.mprobe({ source: ANY_SOURCE, tag: 7 });
 * const data = await msg.recv({ into: new Float64Array(msg.status.count(Float64Array)) });
 */
export class Message {
  /** Who sent it, its tag, its size. */
  readonly status: Status;
  #matched: Matched | undefined;
  #taken = false;
  readonly #local: (w: number) => number;

  /** @internal */
  constructor(matched: Matched | undefined, local: (w: number) => number) {
    this.#matched = matched;
    this.#local = local;
    this.status = matched ? new Status().fill(local(matched.source), matched.tag, matched.bytes, matched.kind) : new Status().fill(PROC_NULL, ANY_TAG, 0, 0);
  }

  /** Receives the message; resolves with its value (or `into`, filled). */
  recv<B extends ArrayBufferView>(options: MessageRecvOptions<B> & { into: B }): Promise<B>;
  recv<T = unknown>(options?: MessageRecvOptions): Promise<T>;
  recv(options?: MessageRecvOptions): Promise<unknown> {
    return this.start(options).promise;
  }

  /** Non-blocking receive of the message: a Request. */
  irecv<B extends ArrayBufferView>(options: MessageRecvOptions<B> & { into: B }): Request<B>;
  irecv<T = unknown>(options?: MessageRecvOptions): Request<T>;
  irecv(options?: MessageRecvOptions): Request<unknown> {
    const status = options?.status ?? new Status();
    return new Request(this.start({ ...options, status }), status);
  }

  private start(options: MessageRecvOptions | undefined): TransportOp<unknown> {
    const into = checkInto(options?.into);
    const status = options?.status;
    if (this.#taken) throw new InvalidStateError('Message.recv: this message was received already (a matched probe gives one receive)');
    const m = this.#matched;
    if (!m) {
      this.#taken = true;
      status?.fill(PROC_NULL, ANY_TAG, 0, 0);
      return TransportOp.resolved<unknown>(undefined);
    }
    const op = m.recv(into && new Uint8Array(into.buffer, into.byteOffset, into.byteLength)) as TransportOp<unknown>;
    // A refused receive leaves the message here for another try.
    if (op.failed && (op.error instanceof TruncationError || op.error instanceof KindMismatchError)) return op;
    this.#taken = true;
    this.#matched = undefined;
    const finish = (r: Received): unknown => {
      status?.fill(this.#local(r.source), r.tag, r.bytes, r.kind);
      return into ?? decodeReceived(r.kind, r.data);
    };
    if (op.done) return op.failed ? op : TransportOp.resolved(finish(op.value as Received));
    op.finish = finish;
    return op;
  }
}

/** @internal comm.mprobe: resolves with the first matching message, taken out of matching. */
export function mprobe(comm: PointToPoint, options: ProbeOptions | undefined): Promise<Message> {
  const source = checkSource(options?.source, comm.reach);
  const tag = checkRecvTag(options?.tag);
  const timeout = checkTimeout(options?.timeout);
  const local = (w: number): number => comm.local(w);
  if (source === PROC_NULL) return Promise.resolve(new Message(undefined, local));
  const op = comm.transport.mprobe(comm.context, comm.world(source), tag);
  guard(op as TransportOp<unknown>, 'mprobe', options?.signal, timeout);
  return op.promise.then((m) => new Message(m, local));
}

/** @internal comm.improbe: the first matching message that has arrived, taken out of matching, or undefined. */
export function improbe(comm: PointToPoint, options: Omit<ProbeOptions, 'signal' | 'timeout'> | undefined): Message | undefined {
  const source = checkSource(options?.source, comm.reach);
  const tag = checkRecvTag(options?.tag);
  const local = (w: number): number => comm.local(w);
  if (source === PROC_NULL) return new Message(undefined, local);
  const m = comm.transport.improbe(comm.context, comm.world(source), tag);
  return m && new Message(m, local);
}
