import { readFileSync, unlinkSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { PeerExitedError } from '../../errors.ts';
import { asMatched, matched } from '../matched.ts';
import { Matcher, type Incoming } from '../matching.ts';
import { ackContext, synchronous } from '../synchronous.ts';
import { TransportOp } from '../op.ts';
import type { Envelope, Matched, Received, Transport } from '../transport.ts';
import { rankState } from './activity.ts';
import { HEADER_BYTES, SYNC_KIND, header, hello, writeHeader } from './frame.ts';
import { SocketOutLink } from './link.ts';
import type { RankState } from './messages.ts';
import { FrameReader } from './reader.ts';

export interface ProcessesTransportOptions {
  rank: number;
  size: number;
  /** Ranks the job may ever hold, spawned ones included (default `size`): the addresses this rank may reach. */
  lines?: number | undefined;
  /** The Unix socket path rank `r` listens on. */
  address: (r: number) => string;
  /** Settles once rank `r` listens, when it may not yet (a pool's worker that just started); undefined when it does. */
  ready?: (r: number) => Promise<void> | undefined;
  /** Whether a connection from rank `source`, made by process `pid`, comes from that rank's current process. */
  accept?: (source: number, pid: number) => boolean;
  /** The file where rank `peer` left what it wrote to this rank before their connection was made, if it exited then. */
  early?: (peer: number) => string;
  /** Ends the whole job (MPI_Abort): the launcher's part. Absent: this process exits with `code`. */
  onAbort?: (code: number, reason: string) => void;
}

const SENT = TransportOp.resolved<void>(undefined);
const EMPTY = new Uint8Array(0);
/** Payloads up to this size are copied behind their header: one write, and the send is complete at once. */
const COPY_MAX = 64 * 1024;
/** Bytes a link may hold unwritten before a send waits for the kernel to take its own. */
const BACKLOG_MAX = 4 << 20;

interface Inbound {
  socket: Socket;
  reader: FrameReader;
}

/**
 * Ranks as processes, over Unix domain sockets. Each rank listens on its own socket path;
 * the first message from A to B opens a connection A → B that carries A's messages to B
 * and nothing else (connections grow with the pairs that talk). Progress is the event
 * loop's: bytes are parsed as the socket's 'data' chunks arrive, straight into the
 * matcher and into the receive's buffer when one is posted. Nothing spins.
 */
export class ProcessesTransport implements Transport {
  readonly name = 'processes';
  readonly rank: number;
  readonly size: number;
  readonly matcher = new Matcher();
  /** Settles once this rank listens (rejects if it cannot). */
  readonly listening: Promise<void>;
  private readonly server: Server;
  private readonly out: (SocketOutLink | undefined)[] = [];
  private readonly inbound: Inbound[] = [];
  private readonly greeting: Buffer;
  private readonly path: string;
  private held = false;
  private closed = false;
  /** Messages sent to each rank, and whose header arrived from each: for deadlock checks. */
  private readonly sent: number[] = [];
  private readonly arrived: number[] = [];
  /** Ranks that have closed a connection to this one. */
  private readonly closedFrom = new Set<number>();
  /** Ranks known to have exited whose connection to this one has not closed yet. */
  private readonly exitPending = new Set<number>();

  constructor(private readonly options: ProcessesTransportOptions) {
    this.rank = options.rank;
    this.size = options.size;
    this.greeting = hello(this.rank, process.pid);
    this.path = options.address(this.rank);
    try {
      unlinkSync(this.path);
    } catch {
      // Nothing left there by an earlier process of this rank.
    }
    const server = (this.server = createServer((socket) => this.take(socket)));
    this.listening = new Promise((resolve, reject) => {
      server.once('error', reject);
      server.once('listening', () => {
        server.off('error', reject);
        server.on('error', () => {});
        resolve();
      });
    });
    server.listen(this.path);
    server.unref();
    // A receive matched a synchronous message: tell its sender (an empty message, same tag).
    this.matcher.onSyncMatch = (m) => void this.write(ackContext(m.context), m.source, m.tag, 0, EMPTY, 0);
  }

  send(context: number, dest: number, tag: number, kind: number, bytes: Uint8Array, sync = false): TransportOp<void> {
    if (!sync) return this.write(context, dest, tag, kind, bytes, 0);
    return synchronous(this.recv(ackContext(context), dest, tag, undefined), this.write(context, dest, tag, kind, bytes, SYNC_KIND));
  }

  private write(context: number, dest: number, tag: number, kind: number, bytes: Uint8Array, sync: number): TransportOp<void> {
    const n = bytes.byteLength;
    if (dest === this.rank) {
      const m = this.matcher.arrive(dest, tag, context, kind, n, sync !== 0);
      m.data.set(bytes);
      m.got = n;
      this.matcher.complete(m);
      if (this.held) this.release();
      return SENT;
    }
    const link = this.out[dest] ?? this.connect(dest);
    this.sent[dest] = (this.sent[dest] ?? 0) + 1;
    if (link.error) {
      const failed = new TransportOp<void>();
      failed.reject(link.error);
      return failed;
    }
    if (n <= COPY_MAX && link.backlog < BACKLOG_MAX) {
      const frame = Buffer.allocUnsafe(HEADER_BYTES + n);
      writeHeader(frame, 0, n, tag, context, kind | sync);
      frame.set(bytes, HEADER_BYTES);
      link.write(frame);
      return SENT;
    }
    // Big payloads go without a copy: the caller may reuse them once the kernel has them.
    const op = new TransportOp<void>();
    link.writeOwned(header(n, tag, context, kind | sync), bytes, op);
    this.hold();
    return op;
  }

  recv(context: number, source: number, tag: number, into: Uint8Array | undefined): TransportOp<Received> {
    const op = this.matcher.recv(context, source, tag, into);
    if (!op.done) this.watch(op);
    return op;
  }

  iprobe(context: number, source: number, tag: number): Envelope | undefined {
    return this.matcher.iprobe(context, source, tag);
  }

  probe(context: number, source: number, tag: number): TransportOp<Envelope> {
    const op = this.matcher.probe(context, source, tag);
    if (!op.done) this.watch(op);
    return op;
  }

  improbe(context: number, source: number, tag: number): Matched | undefined {
    const m = this.matcher.improbe(context, source, tag);
    return m && matched(m, this.mrecv);
  }

  mprobe(context: number, source: number, tag: number): TransportOp<Matched> {
    const op = asMatched(this.matcher.mprobe(context, source, tag), this.mrecv);
    if (!op.done) this.watch(op);
    return op;
  }

  private readonly mrecv = (m: Incoming, into: Uint8Array | undefined): TransportOp<Received> => {
    const op = this.matcher.mrecv(m, into);
    if (!op.done) this.watch(op);
    return op;
  };

  abort(code: number, reason: string): void {
    if (this.options.onAbort) this.options.onAbort(code, reason);
    else process.exit(code);
  }

  /**
   * Forgets everything between this rank and `peer`, whose process was ended and will be
   * started again (a pool replacing a worker): the connections both ways are closed, its
   * unreceived messages dropped, and sends to it not yet written fail with `err`. The next
   * send to `peer` connects to its new process once that one listens.
   */
  reset(peer: number, err: Error): void {
    this.out[peer]?.close(err);
    this.out[peer] = undefined;
    this.matcher.forget(peer, undefined, err);
    for (const i of this.inbound.filter((x) => x.reader.source === peer)) this.drop(i, err);
    this.closedFrom.delete(peer);
    this.exitPending.delete(peer);
    this.release();
  }

  /** Messages that reached this rank but were never received (reported at exit). */
  leftover(): number {
    return this.matcher.unexpected.length;
  }

  /** What this rank waits for, for a hung job's report. */
  waiting(): string {
    const w = this.matcher.oldestWait();
    const sends = this.out.reduce((k, l) => k + (l?.waiting.size ?? 0), 0);
    const parts: string[] = [];
    if (w) parts.push(`waits in ${w.op}(source=${w.peer < 0 ? 'ANY_SOURCE' : w.peer}, tag=${w.tag < 0 ? 'ANY_TAG' : w.tag})`);
    if (sends) parts.push(`${sends} large send(s) not yet taken by their receivers`);
    return parts.length ? parts.join(', ') : 'waits on nothing of ranks (busy in its own code)';
  }

  /**
   * Rank `peer` has ended (its launcher says so). Once all it sent is in (its connection
   * to this rank, if it had one, has closed), receives and probes that name it fail with
   * PeerExitedError; see Matcher.peerExited.
   */
  peerExited(peer: number, connected: boolean): void {
    if (connected && !this.closedFrom.has(peer)) return void this.exitPending.add(peer);
    if (!connected) this.takeEarly(peer);
    this.exitNow(peer);
  }

  /** Bytes written to ranks whose connection is not made yet, by rank: what exiting now would lose but for a file. */
  unconnected(): [number, Uint8Array[]][] {
    return this.out.flatMap((l, r) => (l?.early && l.early.length > 1 ? [[r, l.early] as [number, Uint8Array[]]] : []));
  }

  // What `peer` wrote to this rank before it could connect, then exited: read as if it had come over the connection.
  private takeEarly(peer: number): void {
    const path = this.options.early?.(peer);
    if (!path) return;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
      unlinkSync(path);
    } catch {
      return;
    }
    const reader = new FrameReader(this.matcher, (source) => source === peer, this.arrived);
    reader.feed(bytes);
    if (reader.current) this.matcher.abandon(reader.current, new PeerExitedError(peer, 'A receive'));
  }

  /** The ranks this one has a connection to (they will see it close when this process ends). */
  connectedPeers(): number[] {
    return this.out.flatMap((l, r) => (l?.connected ? [r] : []));
  }

  /** Bytes of messages sent on connected links but still queued in this process (lost if it exits now). */
  unsent(): number {
    return this.out.reduce((k, l) => k + (l?.connected && !l.error ? l.backlog : 0), 0);
  }

  /** This rank's part of a deadlock check. */
  state(): RankState {
    const sending = this.out.some((l) => l !== undefined && (l.waiting.size > 0 || l.backlog > 0));
    return rankState(this.matcher, sending, this.held ? 1 : 0, this.sent, this.arrived);
  }

  /** Closes every connection and stops listening. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const err = new PeerExitedError(this.rank, 'An operation');
    for (const link of this.out) link?.close(err);
    for (const i of [...this.inbound]) this.drop(i, err);
    this.server.close();
  }

  private connect(dest: number): SocketOutLink {
    const lines = this.options.lines ?? this.size;
    if (!Number.isInteger(dest) || dest < 0 || dest >= lines) throw new RangeError(`No rank ${dest} in a job of ${lines}`);
    const link = new SocketOutLink(dest, this.options.address(dest), this.greeting, this.options.ready?.(dest), this.release);
    this.out[dest] = link;
    return link;
  }

  // A connection from a peer: the process never stays alive for it, only for pending operations.
  private take(socket: Socket): void {
    socket.unref();
    const reader = new FrameReader(
      this.matcher,
      (source, pid) => source < (this.options.lines ?? this.size) && source !== this.rank && (this.options.accept?.(source, pid) ?? true),
      this.arrived,
    );
    const entry: Inbound = { socket, reader };
    this.inbound.push(entry);
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      if (!reader.feed(chunk)) this.drop(entry, new PeerExitedError(reader.source, 'A receive'));
      this.release();
    });
    // A sender that died part-way through a message: that message will never be whole.
    socket.on('close', () => this.drop(entry, new PeerExitedError(reader.source, 'A receive')));
  }

  private drop(entry: Inbound, err: Error): void {
    const i = this.inbound.indexOf(entry);
    if (i < 0) return;
    this.inbound.splice(i, 1);
    entry.socket.destroy();
    const partial = entry.reader.current;
    entry.reader.current = undefined;
    if (partial) this.matcher.abandon(partial, err);
    const source = entry.reader.source;
    if (source >= 0) {
      this.closedFrom.add(source);
      if (this.exitPending.delete(source)) this.exitNow(source);
    }
    this.release();
  }

  private exitNow(peer: number): void {
    this.exitPending.delete(peer);
    this.matcher.peerExited(peer);
    this.release();
  }

  // A pending operation keeps the event loop alive (by the listening socket's ref); when
  // none is left, an idle rank may end.
  private watch(op: { canceller: (() => boolean) | undefined }): void {
    const withdraw = op.canceller;
    if (withdraw) {
      op.canceller = () => {
        const ok = withdraw();
        if (ok) queueMicrotask(this.release);
        return ok;
      };
    }
    this.hold();
  }

  private hold(): void {
    if (this.held || this.closed) return;
    this.held = true;
    this.server.ref();
  }

  private readonly release = (): void => {
    if (!this.held || this.matcher.pending > 0 || this.out.some((l) => l !== undefined && l.waiting.size > 0)) return;
    this.held = false;
    this.server.unref();
  };
}
