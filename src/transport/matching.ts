import { ANY_SOURCE, ANY_TAG } from '../constants.ts';
import { isValueKind, kindName } from '../codec/kinds.ts';
import { KindMismatchError, PeerExitedError, TruncationError } from '../errors.ts';
import { allocate } from './buffers.ts';
import { TransportOp } from './op.ts';
import { LinkedQueue, type QueueNode } from './linked-queue.ts';
import type { Envelope, Received } from './transport.ts';

/** A message that has started to arrive: its destination fills as fragments come in. */
export interface Incoming {
  source: number;
  tag: number;
  context: number;
  kind: number;
  total: number;
  data: Uint8Array;
  got: number;
  complete: boolean;
  waiter: Posted | undefined;
  /** Sent in synchronous mode (ssend): the sender waits for word that a receive matched it. */
  sync: boolean;
  /** Why it will never finish arriving (its sender died), once known and no receive had it yet. */
  lost?: Error | undefined;
}

interface Posted {
  context: number;
  source: number;
  tag: number;
  into: Uint8Array | undefined;
  op: TransportOp<Received>;
  node: QueueNode<Posted> | undefined;
  /** Posting order, against matched probes (mprobe). */
  seq: number;
}

interface PostedProbe {
  context: number;
  source: number;
  tag: number;
  op: TransportOp<Envelope> | TransportOp<Incoming>;
  /** A matched probe (mprobe): it takes the message, which no receive can take after. */
  takes: boolean;
  seq: number;
}

const EMPTY = new Uint8Array(0);

function fits(context: number, source: number, tag: number, m: Incoming): boolean {
  return m.context === context && (source === ANY_SOURCE || source === m.source) && (tag === ANY_TAG || tag === m.tag);
}

// A receive that cannot take a message leaves it in place for a later receive.
function refusal(into: Uint8Array | undefined, m: Incoming): Error | undefined {
  if (!into) return undefined;
  if (isValueKind(m.kind)) return new KindMismatchError(kindName(m.kind), m.source, m.tag);
  if (m.total > into.byteLength) return new TruncationError(m.total, into.byteLength, m.source, m.tag);
  return undefined;
}

function failed<T>(err: unknown): TransportOp<T> {
  const op = new TransportOp<T>();
  op.reject(err);
  return op;
}

function tagName(tag: number): string {
  return tag === ANY_TAG ? 'ANY_TAG' : String(tag);
}

function received(m: Incoming): Received {
  return { source: m.source, tag: m.tag, kind: m.kind, bytes: m.total, data: m.data };
}

/**
 * MPI matching for transports that deliver raw bytes in order per sender: posted
 * receives, unexpected messages in arrival order, and pending probes.
 */
export class Matcher {
  readonly posted = new LinkedQueue<Posted>();
  readonly unexpected = new LinkedQueue<Incoming>();
  readonly probes = new LinkedQueue<PostedProbe>();
  /** Receives and probes not settled yet. */
  pending = 0;
  /** Bumped whenever one of them settles, so a progress loop can tell it moved. */
  settled = 0;
  /** Called when a receive (or a matched probe) matches a synchronous message: the transport acknowledges it to the sender. */
  onSyncMatch: ((m: Incoming) => void) | undefined;
  /** Peers known to have exited, every message they sent already in (see peerExited). */
  private readonly exited = new Set<number>();
  private seq = 0;

  /**
   * A message starts to arrive; returns it with `data` sized to receive it, except an
   * unexpected `lazy` one (a large message that may go straight to its receive's own
   * buffer): its `data` stays empty until a receive without a buffer takes it (deliver)
   * or the transport sizes it (allocate) to copy it in.
   */
  arrive(source: number, tag: number, context: number, kind: number, total: number, sync = false, lazy = false): Incoming {
    const m: Incoming = { source, tag, context, kind, total, data: EMPTY, got: 0, complete: false, waiter: undefined, sync };
    // A matched probe posted before every fitting receive takes the message.
    const before = this.probes.length ? this.firstTaker(m) : undefined;
    for (let n = this.posted.head; n;) {
      const p = n.value;
      const next = n.next;
      if (before !== undefined && p.seq > before) break;
      if (fits(p.context, p.source, p.tag, m)) {
        this.posted.remove(n);
        p.node = undefined;
        const err = refusal(p.into, m);
        if (!err) {
          m.waiter = p;
          m.data = p.into ? p.into.subarray(0, total) : allocate(total, kind);
          if (sync) this.onSyncMatch?.(m);
          return m;
        }
        this.settle();
        p.op.reject(err);
      }
      n = next;
    }
    m.data = lazy ? EMPTY : allocate(total, kind);
    this.unexpected.push(m);
    if (this.probes.length) this.answerProbes(m);
    return m;
  }

  /** All of `m`'s bytes are in. */
  complete(m: Incoming): void {
    m.complete = true;
    if (m.waiter) {
      this.settle();
      m.waiter.op.resolve(received(m));
    }
  }

  /** Posts a receive, taking the earliest matching message that has arrived. */
  recv(context: number, source: number, tag: number, into: Uint8Array | undefined): TransportOp<Received> {
    const op = this.take(context, source, tag, into);
    if (op) return op;
    if (this.exited.has(source)) return failed(new PeerExitedError(source, `recv(source=${source}, tag=${tagName(tag)})`));
    return this.post(context, source, tag, into);
  }

  /** Takes the earliest matching message that has arrived, if any (a receive that is not posted). */
  take(context: number, source: number, tag: number, into: Uint8Array | undefined): TransportOp<Received> | undefined {
    let n = this.unexpected.head;
    while (n && !fits(context, source, tag, n.value)) n = n.next;
    if (n) {
      const m = n.value;
      const err = refusal(into, m);
      if (err) return failed(err);
      this.unexpected.remove(n);
      if (m.sync) this.onSyncMatch?.(m);
      return this.deliver(m, into);
    }
    return undefined;
  }

  /**
   * Receives a message that a matched probe took (Message.recv): refused like any receive
   * (then it stays with the probe's Message for another try).
   */
  mrecv(m: Incoming, into: Uint8Array | undefined): TransportOp<Received> {
    const err = refusal(into, m);
    if (err) return failed(err);
    if (m.lost) return failed(m.lost);
    return this.deliver(m, into);
  }

  // A message no queue holds any more goes to its receive: into `into` when given.
  private deliver(m: Incoming, into: Uint8Array | undefined): TransportOp<Received> {
    const op = new TransportOp<Received>();
    if (into) {
      into.set(m.got === m.total ? m.data : m.data.subarray(0, m.got));
      m.data = into.subarray(0, m.total);
    } else if (m.data.byteLength < m.total) m.data = allocate(m.total, m.kind);
    if (m.complete) op.resolve(received(m));
    else {
      m.waiter = { context: m.context, source: m.source, tag: m.tag, into, op, node: undefined, seq: 0 };
      this.pending++;
    }
    return op;
  }

  /** A matched probe that never waits: takes the earliest matching message that has arrived, if any. */
  improbe(context: number, source: number, tag: number): Incoming | undefined {
    let n = this.unexpected.head;
    while (n && !fits(context, source, tag, n.value)) n = n.next;
    if (!n) return undefined;
    const m = n.value;
    this.unexpected.remove(n);
    if (m.sync) this.onSyncMatch?.(m);
    return m;
  }

  /** A matched probe: resolves with the first matching message, taken out of every queue. */
  mprobe(context: number, source: number, tag: number): TransportOp<Incoming> {
    const found = this.improbe(context, source, tag);
    if (found) return TransportOp.resolved(found);
    if (this.exited.has(source)) return failed(new PeerExitedError(source, `mprobe(source=${source}, tag=${tagName(tag)})`));
    return this.postProbe(context, source, tag, true);
  }

  /** Posts a receive for a message that has not arrived yet. */
  post(context: number, source: number, tag: number, into: Uint8Array | undefined): TransportOp<Received> {
    const op = new TransportOp<Received>();
    const p: Posted = { context, source, tag, into, op, node: undefined, seq: this.seq++ };
    p.node = this.posted.push(p);
    this.pending++;
    op.canceller = () => {
      if (!p.node) return false;
      this.posted.remove(p.node);
      p.node = undefined;
      this.settle();
      return true;
    };
    return op;
  }

  iprobe(context: number, source: number, tag: number): Envelope | undefined {
    let n = this.unexpected.head;
    while (n && !fits(context, source, tag, n.value)) n = n.next;
    return n ? { source: n.value.source, tag: n.value.tag, kind: n.value.kind, bytes: n.value.total } : undefined;
  }

  probe(context: number, source: number, tag: number): TransportOp<Envelope> {
    const found = this.iprobe(context, source, tag);
    if (found) return TransportOp.resolved(found);
    if (this.exited.has(source)) return failed(new PeerExitedError(source, `probe(source=${source}, tag=${tagName(tag)})`));
    return this.postProbe(context, source, tag, false);
  }

  private postProbe<T extends Envelope | Incoming>(context: number, source: number, tag: number, takes: boolean): TransportOp<T> {
    const op = new TransportOp<T>();
    const node = this.probes.push({ context, source, tag, op: op as unknown as TransportOp<Envelope> | TransportOp<Incoming>, takes, seq: this.seq++ });
    this.pending++;
    op.canceller = () => {
      if (op.done) return false;
      this.probes.remove(node);
      this.settle();
      return true;
    };
    return op;
  }

  /**
   * Drops every message from `source` that has not been received, and fails the receive
   * that took one still arriving: used when that rank is replaced and its rings go.
   */
  forget(source: number, partial: Incoming | undefined, err: Error): void {
    this.exited.delete(source);
    for (let n = this.unexpected.head; n;) {
      const next = n.next;
      if (n.value.source === source) this.unexpected.remove(n);
      n = next;
    }
    if (partial?.waiter && !partial.complete) {
      this.settle();
      partial.waiter.op.reject(err);
    }
  }

  /**
   * A message that will never finish arriving (its sender died part-way through): the
   * receive that took it fails with `err`; one that nobody took is dropped.
   */
  abandon(m: Incoming, err: Error): void {
    if (m.complete) return;
    m.lost = err;
    if (m.waiter) {
      this.settle();
      m.waiter.op.reject(err);
      return;
    }
    for (let n = this.unexpected.head; n; n = n.next) {
      if (n.value === m) {
        this.unexpected.remove(n);
        return;
      }
    }
  }

  /**
   * Rank `peer` has exited and every message it sent has arrived (the transport makes
   * sure of that first): receives and probes that name it, posted now or later, fail
   * with PeerExitedError unless a message of its that they match is already here. A
   * receive from ANY_SOURCE never fails for this: another rank (or this one) may still send.
   */
  peerExited(peer: number): void {
    if (this.exited.has(peer)) return;
    this.exited.add(peer);
    for (let n = this.posted.head; n;) {
      const next = n.next;
      const p = n.value;
      if (p.source === peer) {
        this.posted.remove(n);
        p.node = undefined;
        this.settle();
        p.op.reject(new PeerExitedError(peer, `recv(source=${peer}, tag=${tagName(p.tag)})`));
      }
      n = next;
    }
    for (let n = this.probes.head; n;) {
      const next = n.next;
      const p = n.value;
      if (p.source === peer) {
        this.probes.remove(n);
        this.settle();
        p.op.reject(new PeerExitedError(peer, `${p.takes ? 'mprobe' : 'probe'}(source=${peer}, tag=${tagName(p.tag)})`));
      }
      n = next;
    }
  }

  /** Whether `peer` is known to have exited. */
  hasExited(peer: number): boolean {
    return this.exited.has(peer);
  }

  /** The oldest pending receive or probe, for deadlock reports (a synchronous send waits in the receive of its acknowledgement). */
  oldestWait(): { op: 'recv' | 'probe' | 'send'; peer: number; tag: number } | undefined {
    const p = this.posted.head?.value ?? this.probes.head?.value;
    if (!p) return undefined;
    return { op: this.posted.head ? (p.context < 0 ? 'send' : 'recv') : 'probe', peer: p.source, tag: p.tag };
  }

  private settle(): void {
    this.pending--;
    this.settled++;
  }

  // The posting number of the first matched probe that fits `m`, if any.
  private firstTaker(m: Incoming): number | undefined {
    for (let n = this.probes.head; n; n = n.next) if (n.value.takes && fits(n.value.context, n.value.source, n.value.tag, m)) return n.value.seq;
    return undefined;
  }

  // Probes see a message that no receive took; the first matched probe that fits takes it.
  private answerProbes(m: Incoming): void {
    for (let n = this.probes.head; n;) {
      const next = n.next;
      const p = n.value;
      if (fits(p.context, p.source, p.tag, m)) {
        this.probes.remove(n);
        this.settle();
        if (p.takes) {
          for (let u = this.unexpected.tail; u; u = u.prev) {
            if (u.value === m) {
              this.unexpected.remove(u);
              break;
            }
          }
          if (m.sync) this.onSyncMatch?.(m);
          (p.op as TransportOp<Incoming>).resolve(m);
          return;
        }
        (p.op as TransportOp<Envelope>).resolve({ source: m.source, tag: m.tag, kind: m.kind, bytes: m.total });
      }
      n = next;
    }
  }
}
