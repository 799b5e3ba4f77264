import { bytesOf, decodeReceived, encode, recycleAfter } from '../codec/encode.ts';
import { rawKind } from '../codec/kinds.ts';
import { InvalidArgumentError } from '../errors.ts';
import { checkNoAlias } from './alias.ts';
import { ANY_TAG, PROC_NULL } from '../constants.ts';
import { recording } from '../trace/recorder.ts';
import { TransportOp } from '../transport/op.ts';
import type { Envelope, Received, Transport } from '../transport/transport.ts';
import { Group } from './group.ts';
import { guard } from './guard.ts';
import {
  contextsAfter,
  type Contexts,
  type ProbeOptions,
  type RecvOptions,
  type SendOptions,
  type SendrecvOptions,
  type SendrecvReplaceOptions,
} from './options.ts';
import { improbe, mprobe, type Message } from './message.ts';
import { recvInit, sendInit, type Prequest } from './prequest.ts';
import { Request } from './request.ts';
import { Status } from './status.ts';
import { checkDest, checkInto, checkRecvTag, checkSendTag, checkSource, checkTimeout } from './validate.ts';

const DONE: Promise<void> = Promise.resolve();

// Structurally a CommCore (collectives/call.ts), not declared `implements` since the members
// it needs are internal ones, stripped from the published .d.ts.
/**
 * The point-to-point half of a communicator: its ranks (and their translation to the
 * transport's), send, receive, probe and abort. `Communicator` adds the collectives.
 */
export class PointToPoint {
  /** This rank's number in the communicator, 0..size-1. */
  readonly rank: number;
  /** How many ranks the communicator has. */
  readonly size: number;
  /** The communicator's ranks, for rank translation between communicators. */
  readonly group: Group;
  /** @internal */ readonly collContext: number;
  /** @internal Transport address (world rank) of each rank point-to-point reaches; undefined when they are the world's ranks. */
  readonly members: readonly number[] | undefined;
  /** @internal How many ranks point-to-point reaches: `size`, or the remote group's in an intercommunicator. */
  readonly reach: number;
  private readonly toLocal: Map<number, number> | undefined;

  /** @internal */
  constructor(
    /** @internal */ readonly transport: Transport,
    /** @internal Even: point-to-point; the next odd number carries this communicator's collectives. */
    readonly context: number,
    group?: Group,
    /** How the communicator was made, for messages: `world`, `world.dup()`, `world.split(1)`. */
    readonly name = 'world',
    /** @internal */ protected readonly contexts: Contexts = contextsAfter(context),
    /** @internal An intercommunicator's remote group: point-to-point addresses its ranks. */
    remote?: Group,
  ) {
    this.group =
      group ??
      new Group(
        Array.from({ length: transport.size }, (_, i) => i),
        transport.rank,
      );
    const peers = remote ?? this.group;
    const identity = !remote && peers.members.every((w, i) => w === i) && peers.size === transport.size;
    this.members = identity ? undefined : peers.members;
    this.toLocal = identity ? undefined : new Map(peers.members.map((w, i) => [w, i]));
    this.reach = peers.size;
    this.rank = this.group.rank;
    this.size = this.group.size;
    this.collContext = context + 1;
    recording?.nameContext(context, name, this.toLocal && ((w) => this.local(w)));
  }
  /**
   * Sends `value` to `dest`; resolves when `value` may be reused. TypedArrays, DataView and
   * ArrayBuffer travel as raw bytes; anything else is serialized (structured clone).
   *
   * @example
   * await comm.send(new Float64Array([1, 2, 3]), 1, { tag: 13 });
   */
  send(value: unknown, dest: number, options?: SendOptions): Promise<void> {
    const op = this.startSend(value, dest, options?.tag);
    return op ? op.promise : DONE;
  }

  /**
   * Non-blocking send: returns a Request at once.
   *
   * @example
   * const req = comm.isend(data, 1); compute(); await req;
   */
  isend(value: unknown, dest: number, options?: SendOptions): Request<void> {
    return new Request(this.startSend(value, dest, options?.tag) ?? TransportOp.resolved<void>(undefined));
  }

  /**
   * Synchronous send (MPI_Ssend): resolves only once a receive at `dest` (or a matched
   * probe there) has matched the message, so the sender knows the receiver reached it.
   *
   * @example
   * await comm.ssend(request, 0, { tag: 1 }); // rank 0 has started receiving it
   */
  ssend(value: unknown, dest: number, options?: SendOptions): Promise<void> {
    const op = this.startSend(value, dest, options?.tag, true);
    return op ? op.promise : DONE;
  }

  /**
   * Non-blocking synchronous send (MPI_Issend): the Request finishes once a receive at
   * `dest` has matched the message.
   *
   * @example
   * const req = comm.issend(data, 1); await comm.barrier(); req.test(); // done only if rank 1 received it
   */
  issend(value: unknown, dest: number, options?: SendOptions): Request<void> {
    return new Request(this.startSend(value, dest, options?.tag, true) ?? TransportOp.resolved<void>(undefined));
  }

  /**
   * A persistent send (MPI_Send_init) of `buf` to `dest`: checked and prepared once; each
   * `start()` sends the buffer's current contents. See Prequest.
   *
   * @example
   * const req = comm.sendInit(buf, 1, { tag: 5 });
   * for (;;) { fill(buf); await req.start(); }
   */
  sendInit(buf: ArrayBufferView | ArrayBufferLike, dest: number, options?: SendOptions): Prequest<void> {
    return sendInit(this, buf, dest, options, false);
  }

  /**
   * A persistent synchronous send (MPI_Ssend_init): each start finishes once the message matched.
   *
   * @example
   * const req = comm.ssendInit(buf, 1); await req.start();
   */
  ssendInit(buf: ArrayBufferView | ArrayBufferLike, dest: number, options?: SendOptions): Prequest<void> {
    return sendInit(this, buf, dest, options, true);
  }

  /**
   * A persistent receive (MPI_Recv_init): each `start()` posts the same receive again
   * (into `into` when given; `status` refills). See Prequest.
   *
   * @example
   * const req = comm.recvInit({ source: 0, tag: 5, into: new Float64Array(64) });
   * const data = await req.start();
   */
  recvInit<B extends ArrayBufferView>(options: Omit<RecvOptions<B>, 'signal' | 'timeout'> & { into: B }): Prequest<B>;
  recvInit<T = unknown>(options?: Omit<RecvOptions, 'signal' | 'timeout'>): Prequest<T>;
  recvInit(options?: Omit<RecvOptions, 'signal' | 'timeout'>): Prequest<unknown> {
    return recvInit(this, options);
  }

  /**
   * Receives a message; resolves with its value. With `into`, raw bytes land in that
   * array, which is returned.
   *
   * @example
   * const data = await comm.recv<Float64Array>({ source: 0, tag: 13 });
   * await comm.recv({ into: new Int32Array(1000) });
   */
  recv<B extends ArrayBufferView>(options: RecvOptions<B> & { into: B }): Promise<B>;
  recv<T = unknown>(options?: RecvOptions): Promise<T>;
  recv(options?: RecvOptions): Promise<unknown> {
    return this.startRecv(options, options?.status).promise;
  }

  /**
   * Non-blocking receive: returns a Request whose `status` fills on completion.
   *
   * @example
   * const req = comm.irecv<number[]>({ source: 1 });
   * const value = await req;
   */
  irecv<B extends ArrayBufferView>(options: RecvOptions<B> & { into: B }): Request<B>;
  irecv<T = unknown>(options?: RecvOptions): Request<T>;
  irecv(options?: RecvOptions): Request<unknown> {
    const status = options?.status ?? new Status();
    return new Request(this.startRecv(options, status), status);
  }

  /**
   * Sends to `dest` and receives from `source` at once, so pairs of ranks can swap data
   * without ordering their calls.
   *
   * @example
   * const right = (comm.rank + 1) % comm.size, left = (comm.rank + comm.size - 1) % comm.size;
   * const fromLeft = await comm.sendrecv(mine, right, { source: left });
   */
  async sendrecv<T = unknown>(value: unknown, dest: number, options?: SendrecvOptions): Promise<T> {
    const d = checkDest(dest, this.reach);
    const sendTag = checkSendTag(options?.sendTag, 'sendTag');
    checkNoAlias(value, options?.into);
    const enc = d === PROC_NULL ? undefined : encode(value);
    const recv = this.startRecv({ source: options?.source, tag: options?.recvTag ?? ANY_TAG, into: options?.into }, options?.status, 'recvTag');
    if (enc) await this.transport.send(this.context, this.world(d), sendTag, enc.kind, enc.bytes).promise;
    return (await recv.promise) as T;
  }

  /**
   * Sends `buf` to `dest`, then receives from `source` into `buf` itself (MPI_Sendrecv_replace):
   * what was sent is a copy taken first, so the message received may overwrite it. The
   * message must fit `buf` (else ERR_TRUNCATE, and it stays queued); `status` says how
   * many bytes came. Resolves with `buf`.
   *
   * @example
   * const halo = new Float64Array(64);
   * await comm.sendrecvReplace(halo, right, { source: left }); // halo now holds left's
   */
  async sendrecvReplace<B extends ArrayBufferView>(buf: B, dest: number, options?: SendrecvReplaceOptions): Promise<B> {
    if (!ArrayBuffer.isView(buf))
      throw new InvalidArgumentError(`Expected \`buf\` to be a TypedArray, Buffer or DataView, got ${buf === null ? 'null' : typeof buf}`);
    const d = checkDest(dest, this.reach);
    const sendTag = checkSendTag(options?.sendTag, 'sendTag');
    const kind = rawKind(buf)!;
    const copy = d === PROC_NULL ? undefined : bytesOf(buf).slice();
    const recv = this.startRecv({ source: options?.source, tag: options?.recvTag ?? ANY_TAG, into: buf }, options?.status, 'recvTag');
    if (copy) await this.transport.send(this.context, this.world(d), sendTag, kind, copy).promise;
    await recv.promise;
    return buf;
  }

  /**
   * Waits for a matching message and resolves with its Status, without receiving it.
   *
   * @example
   * const st = await comm.probe({ source: ANY_SOURCE });
   * const buf = await comm.recv({ source: st.source, into: new Uint8Array(st.bytes) });
   */
  probe(options?: ProbeOptions): Promise<Status> {
    const source = checkSource(options?.source, this.reach);
    const tag = checkRecvTag(options?.tag);
    const timeout = checkTimeout(options?.timeout);
    if (source === PROC_NULL) return Promise.resolve(new Status().fill(PROC_NULL, ANY_TAG, 0, 0));
    const toStatus = (e: Envelope): Status => new Status().fill(this.local(e.source), e.tag, e.bytes, e.kind);
    const op = this.transport.probe(this.context, this.world(source), tag) as TransportOp<unknown>;
    if (op.done) return op.failed ? Promise.reject(op.error) : Promise.resolve(toStatus(op.value as Envelope));
    op.finish = toStatus;
    guard(op, 'probe', options?.signal, timeout);
    return op.promise as Promise<Status>;
  }

  /**
   * The Status of a matching message if one has arrived, else `undefined`; never waits.
   *
   * @example
   * while (!comm.iprobe({ tag: 3 })) await doSomeWork();
   */
  iprobe(options?: Omit<ProbeOptions, 'signal' | 'timeout'>): Status | undefined {
    const source = checkSource(options?.source, this.reach);
    const tag = checkRecvTag(options?.tag);
    if (source === PROC_NULL) return new Status().fill(PROC_NULL, ANY_TAG, 0, 0);
    const e = this.transport.iprobe(this.context, this.world(source), tag);
    return e && new Status().fill(this.local(e.source), e.tag, e.bytes, e.kind);
  }

  /**
   * Matched probe (MPI_Mprobe): waits for a matching message and takes it out of
   * matching, so that no other receive can take it; receive it with `message.recv()`.
   *
   * @example
   * const msg = await comm.mprobe({ tag: 3 });
   * const data = await msg.recv({ into: new Int32Array(msg.status.count(Int32Array)) });
   */
  mprobe(options?: ProbeOptions): Promise<Message> {
    return mprobe(this, options);
  }

  /**
   * Matched probe that never waits (MPI_Improbe): the matching message, taken out of
   * matching, if one has arrived; else `undefined`.
   *
   * @example
   * const msg = comm.improbe({ source: 0 }); if (msg) use(await msg.recv());
   */
  improbe(options?: Omit<ProbeOptions, 'signal' | 'timeout'>): Message | undefined {
    return improbe(this, options);
  }

  /**
   * Ends every rank of the job with exit code `code` (MPI_Abort).
   *
   * @example
   * if (!valid) comm.abort(2);
   */
  abort(code = 1, reason = `rank ${this.rank} called abort(${code})`): void {
    this.transport.abort(code, reason);
  }

  /** @internal The world rank of member `r`. */
  world(r: number): number {
    return this.members && r >= 0 ? this.members[r]! : r;
  }

  /** @internal The member number of world rank `w`. */
  local(w: number): number {
    return this.toLocal && w >= 0 ? this.toLocal.get(w)! : w;
  }

  private startSend(value: unknown, dest: number, tag: number | undefined, sync = false): TransportOp<void> | undefined {
    const d = checkDest(dest, this.reach);
    const t = checkSendTag(tag);
    if (d === PROC_NULL) return undefined;
    let enc;
    try {
      enc = encode(value);
    } catch (err) {
      const op = new TransportOp<void>();
      op.reject(err);
      return op;
    }
    const op = this.transport.send(this.context, this.world(d), t, enc.kind, enc.bytes, sync);
    recycleAfter(enc.kind, enc.bytes, op);
    return op;
  }

  private startRecv(options: RecvOptions | undefined, status: Status | undefined, tagName = 'tag'): TransportOp<unknown> {
    const source = checkSource(options?.source, this.reach);
    const tag = checkRecvTag(options?.tag, tagName);
    const into = checkInto(options?.into);
    const timeout = checkTimeout(options?.timeout);
    if (source === PROC_NULL) {
      status?.fill(PROC_NULL, ANY_TAG, 0, 0);
      return TransportOp.resolved<unknown>(undefined);
    }
    const bytes = into && new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
    const op = this.transport.recv(this.context, this.world(source), tag, bytes) as TransportOp<unknown>;
    const finish = (r: Received): unknown => {
      status?.fill(this.local(r.source), r.tag, r.bytes, r.kind);
      return into ?? decodeReceived(r.kind, r.data);
    };
    if (op.done) return op.failed ? op : TransportOp.resolved(finish(op.value as Received));
    op.finish = finish;
    guard(op, 'recv', options?.signal, timeout);
    return op;
  }
}
