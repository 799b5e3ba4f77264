// Receives on MPI. A receive is posted to MPI at once (MPI_Irecv of an envelope-sized
// buffer with the wanted source and tag), so MPI matches it as MPI does, in posting
// order, with no extra copy or probe on the latency path. Probes, messages set aside
// (stash.ts) and senders that do not run ranks go through MPI_Improbe + MPI_Mrecv.
import { ANY_SOURCE, ANY_TAG } from '../../constants.ts';
import { TruncationError } from '../../errors.ts';
import { TransportOp } from '../op.ts';
import type { Envelope, Received } from '../transport.ts';
import type { StatusFields } from './abi.ts';
import type { Mpi } from './bindings.ts';
import type { Channel } from './channels.ts';
import { isValueKind } from '../../codec/kinds.ts';
import { ENVELOPE, HEADER, copyPayload, isInline, readHeader } from './envelope.ts';
import { FOREIGN_KIND, MpiQueue } from './mpi-queue.ts';
import type { RequestOwner, RequestTable } from './requests.ts';
import { envelopeOf, fits, pick, refusal, type Stashed } from './stash.ts';

// Envelope receive buffers, each with a DataView made once.
const views = new WeakMap<Uint8Array, DataView>();
function staged(): Uint8Array {
  const buf = new Uint8Array(ENVELOPE);
  views.set(buf, new DataView(buf.buffer, 0, HEADER));
  return buf;
}

interface Wanted {
  ch: Channel;
  source: number;
  tag: number;
}

/** A receive posted to MPI, waiting for its envelope. */
class Posted implements RequestOwner, Wanted {
  slot = -1;
  /** The staging buffer's header view (none for a plain receive, straight into `into`). */
  readonly view: DataView | undefined;
  constructor(
    readonly rx: Receiver,
    readonly ch: Channel,
    readonly source: number,
    readonly tag: number,
    readonly into: Uint8Array | undefined,
    readonly op: TransportOp<Received>,
    readonly staging: Uint8Array,
    readonly plain: boolean,
  ) {
    this.view = plain ? undefined : views.get(staging);
  }
  complete(st: StatusFields): void {
    this.rx.arrived(this, st);
  }
}

/** A payload (body, or a plain message straight into `into`) on its way. */
class Incoming implements RequestOwner {
  slot = -1;
  constructor(
    readonly rx: Receiver,
    readonly op: TransportOp<Received>,
    readonly received: Received,
    readonly what: string,
  ) {}
  complete(st: StatusFields): void {
    if (st.error !== 0) return this.rx.fail(this.op, st.error, this.what);
    this.rx.settled++;
    this.op.resolve(this.received);
  }
}

/** A probe, or a receive that must probe first, polled until a message fits. */
interface Waiting extends Wanted {
  into: Uint8Array | undefined;
  op: TransportOp<Received> | TransportOp<Envelope> | TransportOp<Stashed>;
  probe: boolean;
  /** A matched probe (mprobe): takes the message out of the stash. */
  takes?: boolean;
}

export class Receiver {
  /** Receives and probes settled so far (the progress loop watches it move). */
  settled = 0;
  private readonly free: Uint8Array[] = [];
  private readonly waiting: Waiting[] = [];
  private readonly queue: MpiQueue;

  constructor(
    private readonly mpi: Mpi,
    private readonly table: RequestTable,
    /** The body communicator (payloads larger than an envelope). */
    private readonly bodies: Channel,
    /** True for world ranks that do not run ranks. */
    private readonly foreign: (world: number) => boolean,
  ) {
    this.queue = new MpiQueue(mpi, foreign);
  }

  get pending(): number {
    return this.waiting.length;
  }

  recv(ch: Channel, source: number, tag: number, into: Uint8Array | undefined): TransportOp<Received> {
    const op = new TransportOp<Received>();
    if (ch.stash.length && this.fromStash(ch, source, tag, into, op)) return op;
    const plain = source >= 0 && ch.mixed && this.foreign(source);
    if ((ch.mixed && source === ANY_SOURCE) || (plain && !into)) {
      const w: Waiting = { ch, source, tag, into, op, probe: false };
      this.waiting.push(w);
      op.canceller = () => this.unwait(w);
      return op;
    }
    const a = this.mpi.abi;
    const staging = plain ? into! : (this.free.pop() ?? staged());
    const p = new Posted(this, ch, source, tag, into, op, staging, plain);
    const addr = this.table.add(p);
    const rc = this.mpi.fn.Irecv(
      staging,
      staging.byteLength,
      a.types.byte,
      source === ANY_SOURCE ? a.anySource : ch.local(source),
      tag === ANY_TAG ? a.anyTag : tag,
      ch.comm,
      addr,
    );
    if (rc !== 0) {
      this.table.drop(p);
      this.fail(op, rc, 'MPI_Irecv');
      return op;
    }
    ch.posted.push(p);
    op.canceller = () => this.withdraw(p);
    this.table.test(p);
    return op;
  }

  iprobe(ch: Channel, source: number, tag: number): Envelope | undefined {
    if (ch.stash.length && ch.stash.some((e) => fits(source, tag, e))) {
      if (source === ANY_SOURCE || tag === ANY_TAG) this.queue.drain(ch, source, tag);
      return envelopeOf(ch.stash[pick(ch.stash, source, tag)]!);
    }
    const e = this.queue.take(ch, source, tag);
    if (!e) return undefined;
    ch.stash.push(e);
    return envelopeOf(e);
  }

  probe(ch: Channel, source: number, tag: number): TransportOp<Envelope> {
    const found = this.iprobe(ch, source, tag);
    if (found) return TransportOp.resolved(found);
    const op = new TransportOp<Envelope>();
    const w: Waiting = { ch, source, tag, into: undefined, op, probe: true };
    this.waiting.push(w);
    op.canceller = () => this.unwait(w);
    return op;
  }

  /** A matched probe that never waits: the message a probe would see, taken out of the stash (no receive can take it after). */
  improbe(ch: Channel, source: number, tag: number): Stashed | undefined {
    if (!this.iprobe(ch, source, tag)) return undefined;
    const e = ch.stash.splice(pick(ch.stash, source, tag), 1)[0]!;
    e.taken?.();
    return e;
  }

  /** A matched probe: resolves with the first message that fits, taken out of the stash. */
  mprobe(ch: Channel, source: number, tag: number): TransportOp<Stashed> {
    const found = this.improbe(ch, source, tag);
    if (found) return TransportOp.resolved(found);
    const op = new TransportOp<Stashed>();
    const w: Waiting = { ch, source, tag, into: undefined, op, probe: true, takes: true };
    this.waiting.push(w);
    op.canceller = () => this.unwait(w);
    return op;
  }

  /** Receives a message a matched probe took; a refused receive leaves it for another try. */
  mrecv(e: Stashed, into: Uint8Array | undefined): TransportOp<Received> {
    const op = new TransportOp<Received>();
    const no = refusal(into, e.kind, e.bytes, e.source, e.tag);
    if (no) op.reject(no);
    else this.deliver(op, e, into);
    return op;
  }

  /**
   * A message to this rank itself: it never enters MPI (MPI may hold a send to self until
   * it is received, and ranks' sends resolve once the buffer may be reused), but goes to
   * the first posted receive that fits, or waits in the stash for one.
   */
  toSelf(ch: Channel, self: number, tag: number, kind: number, bytes: Uint8Array, taken?: () => void): void {
    const l = ch.local(self);
    const seq = ch.seq[l]!;
    ch.seq[l] = seq + 1;
    const e: Stashed = { source: self, tag, kind, bytes: bytes.byteLength, seq, data: bytes.slice(), bodyTag: 0, foreign: false, taken };
    ch.stash.push(e);
    this.reoffer(ch, e);
  }

  /** Looks again for the probes and probing receives; true if any settled. */
  poll(): boolean {
    let moved = false;
    for (let i = 0; i < this.waiting.length;) {
      const w = this.waiting[i]!;
      if (w.probe) {
        const e = w.takes ? this.improbe(w.ch, w.source, w.tag) : this.iprobe(w.ch, w.source, w.tag);
        if (!e) {
          i++;
          continue;
        }
        this.waiting.splice(i, 1);
        this.settled++;
        (w.op as TransportOp<Envelope | Stashed>).resolve(e);
      } else {
        const op = w.op as TransportOp<Received>;
        if (w.ch.stash.length && this.fromStash(w.ch, w.source, w.tag, w.into, op)) this.waiting.splice(i, 1);
        else {
          const e = this.queue.take(w.ch, w.source, w.tag);
          if (!e) {
            i++;
            continue;
          }
          this.waiting.splice(i, 1);
          w.ch.stash.push(e);
          this.fromStash(w.ch, w.source, w.tag, w.into, op);
        }
      }
      moved = true;
    }
    return moved;
  }

  /** A posted receive got its envelope (or, for a plain receive, its whole message). */
  arrived(p: Posted, st: StatusFields): void {
    p.ch.unpost(p);
    const source = p.ch.world(st.source);
    if (st.error !== 0) {
      if (p.plain && this.queue.errorClass(st.error) === this.mpi.abi.errTruncate) {
        this.settled++;
        p.op.reject(new TruncationError(st.count, p.staging.byteLength, source, st.tag));
        return;
      }
      return this.fail(p.op, st.error, 'MPI_Irecv');
    }
    if (p.plain) {
      this.settled++;
      p.op.resolve({ source, tag: st.tag, kind: FOREIGN_KIND, bytes: st.count, data: p.staging.subarray(0, st.count) });
      return;
    }
    const staging = p.staging;
    const n = st.count - HEADER;
    // The latency path: one of ours with its payload inline, which fits the receive. The
    // header's size must match what MPI received (readHeader checks the same).
    if (n >= 0 && isInline(staging) && p.view!.getFloat64(8, true) === n && (p.into ? !isValueKind(staging[1]!) && n <= p.into.byteLength : true)) {
      const kind = staging[1]!;
      const data = !p.into ? new Uint8Array(n) : n === p.into.byteLength ? p.into : p.into.subarray(0, n);
      copyPayload(data, 0, staging, HEADER, n);
      this.release(staging);
      this.settled++;
      p.op.canceller = undefined;
      p.op.resolve({ source, tag: st.tag, kind, bytes: n, data });
      return;
    }
    const h = readHeader(staging, st.count, p.view);
    const no = h && refusal(p.into, h.kind, h.bytes, source, st.tag);
    const e = this.queue.entry(p.staging, st.count, source, st.tag);
    if (p.ch.bodies) e.bodies = p.ch.bodies;
    this.release(p.staging);
    if (no) {
      p.ch.stash.push(e);
      this.settled++;
      p.op.reject(no);
      this.reoffer(p.ch, e);
      return;
    }
    this.deliver(p.op, e, p.into);
  }

  fail(op: TransportOp<Received>, rc: number, call: string): void {
    this.settled++;
    op.reject(this.mpi.error(rc, call));
  }

  // Takes a receive's message from the stash if one fits: true when the receive is settled
  // (or its payload is on its way), false when nothing there fits.
  private fromStash(ch: Channel, source: number, tag: number, into: Uint8Array | undefined, op: TransportOp<Received>): boolean {
    if (!ch.stash.some((e) => fits(source, tag, e))) return false;
    // A wildcard receive may fit an earlier message still in MPI's queue: bring those here first.
    if (source === ANY_SOURCE || tag === ANY_TAG) this.queue.drain(ch, source, tag);
    const i = pick(ch.stash, source, tag);
    const e = ch.stash[i]!;
    const no = refusal(into, e.kind, e.bytes, e.source, e.tag);
    if (no) {
      this.settled++;
      op.reject(no);
      return true;
    }
    ch.stash.splice(i, 1);
    e.taken?.();
    this.deliver(op, e, into);
    return true;
  }

  private deliver(op: TransportOp<Received>, e: Stashed, into: Uint8Array | undefined): void {
    const received: Received = { source: e.source, tag: e.tag, kind: e.kind, bytes: e.bytes, data: into ? into.subarray(0, e.bytes) : new Uint8Array(e.bytes) };
    op.canceller = undefined;
    if (e.data) {
      received.data.set(e.data);
      this.settled++;
      op.resolve(received);
      return;
    }
    const b = new Incoming(this, op, received, 'MPI_Irecv (body)');
    const addr = this.table.add(b, e.bytes);
    const bodies = e.bodies ?? this.bodies;
    const rc = this.mpi.fn.Irecv(received.data, e.bytes, this.mpi.abi.types.byte, bodies.local(e.source), e.bodyTag, bodies.comm, addr);
    if (rc !== 0) {
      this.table.drop(b);
      return this.fail(op, rc, 'MPI_Irecv (body)');
    }
    this.table.test(b);
  }

  // A refused message goes to the next posted receive that fits it, as in MPI's matching:
  // those receives are withdrawn from MPI (MPI_Cancel) and served from the stash.
  private reoffer(ch: Channel, e: Stashed): void {
    for (const p of [...ch.posted] as Posted[]) {
      if (!ch.stash.includes(e)) return;
      if (!fits(p.source, p.tag, e) || !this.table.cancel(p)) continue;
      ch.unpost(p);
      this.release(p.staging);
      this.fromStash(ch, p.source, p.tag, p.into, p.op);
    }
  }

  private withdraw(p: Posted): boolean {
    if (!this.table.cancel(p)) return false;
    p.ch.unpost(p);
    if (!p.plain) this.release(p.staging);
    this.settled++;
    return true;
  }

  private unwait(w: Waiting): boolean {
    const i = this.waiting.indexOf(w);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    this.settled++;
    return true;
  }

  private release(staging: Uint8Array): void {
    if (this.free.length < 64) this.free.push(staging);
  }
}
