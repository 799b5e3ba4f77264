import { ANY_SOURCE, ANY_TAG } from '../constants.ts';
import { isValueKind, kindName } from '../codec/kinds.ts';
import { KindMismatchError, PeerExitedError, TruncationError } from '../errors.ts';
import { Op } from './op.ts';
import { Queue, type QueueNode } from './queue.ts';
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
}

interface Posted {
  context: number;
  source: number;
  tag: number;
  into: Uint8Array | undefined;
  op: Op<Received>;
  node: QueueNode<Posted> | undefined;
}

interface PostedProbe {
  context: number;
  source: number;
  tag: number;
  op: Op<Envelope>;
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

function failed<T>(err: Error): Op<T> {
  const op = new Op<T>();
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
  readonly posted = new Queue<Posted>();
  readonly unexpected = new Queue<Incoming>();
  readonly probes = new Queue<PostedProbe>();
  /** Receives and probes not settled yet. */
  pending = 0;
  /** Bumped whenever one of them settles, so a progress loop can tell it moved. */
  settled = 0;
  /** Peers known to have exited, every message they sent already in (see peerExited). */
  private readonly exited = new Set<number>();

  /** A message starts to arrive; returns it with `data` sized to receive it. */
  arrive(source: number, tag: number, context: number, kind: number, total: number): Incoming {
    const m: Incoming = { source, tag, context, kind, total, data: EMPTY, got: 0, complete: false, waiter: undefined };
    for (let n = this.posted.head; n; ) {
      const p = n.value;
      const next = n.next;
      if (fits(p.context, p.source, p.tag, m)) {
        this.posted.remove(n);
        p.node = undefined;
        const err = refusal(p.into, m);
        if (!err) {
          m.waiter = p;
          m.data = p.into ? p.into.subarray(0, total) : new Uint8Array(total);
          return m;
        }
        this.settle();
        p.op.reject(err);
      }
      n = next;
    }
    m.data = new Uint8Array(total);
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
  recv(context: number, source: number, tag: number, into: Uint8Array | undefined): Op<Received> {
    const op = this.take(context, source, tag, into);
    if (op) return op;
    if (this.exited.has(source)) return failed(new PeerExitedError(source, `recv(source=${source}, tag=${tagName(tag)})`));
    return this.post(context, source, tag, into);
  }

  /** Takes the earliest matching message that has arrived, if any (a receive that is not posted). */
  take(context: number, source: number, tag: number, into: Uint8Array | undefined): Op<Received> | undefined {
    let n = this.unexpected.head;
    while (n && !fits(context, source, tag, n.value)) n = n.next;
    if (n) {
      const op = new Op<Received>();
      const m = n.value;
      const err = refusal(into, m);
      if (err) {
        op.reject(err);
        return op;
      }
      this.unexpected.remove(n);
      if (into) {
        into.set(m.got === m.total ? m.data : m.data.subarray(0, m.got));
        m.data = into.subarray(0, m.total);
      }
      if (m.complete) op.resolve(received(m));
      else {
        m.waiter = { context, source, tag, into, op, node: undefined };
        this.pending++;
      }
      return op;
    }
    return undefined;
  }

  /** Posts a receive for a message that has not arrived yet. */
  post(context: number, source: number, tag: number, into: Uint8Array | undefined): Op<Received> {
    const op = new Op<Received>();
    const p: Posted = { context, source, tag, into, op, node: undefined };
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

  probe(context: number, source: number, tag: number): Op<Envelope> {
    const found = this.iprobe(context, source, tag);
    if (found) return Op.resolved(found);
    if (this.exited.has(source)) return failed(new PeerExitedError(source, `probe(source=${source}, tag=${tagName(tag)})`));
    const op = new Op<Envelope>();
    const node = this.probes.push({ context, source, tag, op });
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
    for (let n = this.unexpected.head; n; ) {
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
    for (let n = this.posted.head; n; ) {
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
    for (let n = this.probes.head; n; ) {
      const next = n.next;
      const p = n.value;
      if (p.source === peer) {
        this.probes.remove(n);
        this.settle();
        p.op.reject(new PeerExitedError(peer, `probe(source=${peer}, tag=${tagName(p.tag)})`));
      }
      n = next;
    }
  }

  /** Whether `peer` is known to have exited. */
  hasExited(peer: number): boolean {
    return this.exited.has(peer);
  }

  /** The oldest pending receive or probe, for deadlock reports. */
  oldestWait(): { op: 'recv' | 'probe'; peer: number; tag: number } | undefined {
    const p = this.posted.head?.value ?? this.probes.head?.value;
    if (!p) return undefined;
    return { op: this.posted.head ? 'recv' : 'probe', peer: p.source, tag: p.tag };
  }

  private settle(): void {
    this.pending--;
    this.settled++;
  }

  private answerProbes(m: Incoming): void {
    for (let n = this.probes.head; n; ) {
      const next = n.next;
      const p = n.value;
      if (fits(p.context, p.source, p.tag, m)) {
        this.probes.remove(n);
        this.settle();
        p.op.resolve({ source: m.source, tag: m.tag, kind: m.kind, bytes: m.total });
      }
      n = next;
    }
  }
}
