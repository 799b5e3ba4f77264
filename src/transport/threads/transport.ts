import { performance } from 'node:perf_hooks';
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { PeerExitedError } from '../../errors.ts';
import { asMatched, matched } from '../matched.ts';
import { Matcher, type Incoming } from '../matching.ts';
import { ackContext, synchronous } from '../synchronous.ts';
import { TransportOp } from '../op.ts';
import { SEGMENT_CONTEXT, type Envelope, type Matched, type Received, type SharedSegments, type Transport } from '../transport.ts';
import { EXITS, LINKS, READERS, STATE, STOPPING, WANTS_ROOM, WaitOp, WaitState, controlCapacity, retire, slot, wake } from './control.ts';
import type { SpawnReply, SpawnRequest } from '../../spawn/protocol.ts';
import { SendQueue } from './send-queue.ts';
import { BULK, RingInLink, RingOutLink, SYNC, type PendingSend } from './links.ts';
import type { ToLauncher, ToRank } from './messages.ts';
import { FIRST, LAST, createRing } from './ring.ts';
import { bulkable, createBulk } from './bulk.ts';
import { keepFreedMemory } from '../libc.ts';
import { SCRATCH_MIN } from '../../codec/scratch.ts';
import { SegmentTable } from './segments.ts';
import { SharedBuffers } from './shared-buffers.ts';
import { RingProgress } from './progress.ts';

export interface ThreadsTransportOptions {
  rank: number;
  size: number;
  control: SharedArrayBuffer;
  /** Channel to the launcher; absent in a world of one. */
  port?: MessagePort | undefined;
  /** Bytes per ring (a power of two). */
  ringBytes?: number;
  /** How long to spin before sleeping on the doorbell, in microseconds. */
  spinMicros?: number;
  /** How long to block the thread on the doorbell before sleeping with the event loop free, in microseconds. */
  napMicros?: number;
}

const SENT = TransportOp.resolved<void>(undefined);
const EMPTY = new Uint8Array(0);

/**
 * Ranks as threads of one process. Messages go through per-pair rings made on first
 * use (memory grows with the pairs that talk and what they have in flight, not with
 * size²); big messages go through the same ring in fragments, so the two copies overlap.
 * Waiting spins briefly, then sleeps with Atomics.waitAsync on the rank's doorbell.
 */
export class ThreadsTransport implements Transport {
  readonly name = 'threads';
  readonly rank: number;
  readonly size: number;
  private readonly ctl: Int32Array;
  private readonly port: MessagePort | undefined;
  readonly matcher = new Matcher();
  private readonly out: (RingOutLink | undefined)[] = [];
  private readonly inLinks: RingInLink[] = [];
  private readonly ringBytes: number;
  private readonly progress: RingProgress;
  private readonly sends: SendQueue;
  private linksSeen = 0;
  private exitsSeen = 0;
  private readonly buffers = new SharedBuffers();
  /** Lines in the control block: every rank the job may hold, spawned ones included. */
  private readonly lines: number;
  /** Spawn requests sent to the launcher and not answered yet, by id. */
  private readonly spawns = new Map<number, TransportOp<SpawnReply>>();
  private spawnsSettled = 0;
  private readonly table = new SegmentTable((gen, segment) => {
    if (this.port) this.post({ type: 'segment', from: this.rank, gen, segment });
  });

  constructor(options: ThreadsTransportOptions) {
    this.rank = options.rank;
    this.size = options.size;
    this.ctl = new Int32Array(options.control);
    this.lines = controlCapacity(options.control);
    this.sends = new SendQueue(this.ctl, this.rank);
    this.port = options.port;
    this.ringBytes = options.ringBytes ?? 256 * 1024;
    this.progress = new RingProgress(
      this.ctl,
      this.rank,
      // The crowding heuristic looks at the job's first ranks (lines never started read as awake).
      this.size,
      {
        step: () => {
          const moved = this.poll();
          return this.sends.pending ? this.sends.flush() || moved : moved;
        },
        settled: () => this.matcher.settled + this.sends.settled + this.table.settled + this.buffers.settled + this.spawnsSettled,
        busy: () => this.matcher.pending + this.sends.pending + this.table.pending + this.buffers.pending + this.spawns.size > 0,
        waitInfo: () => this.waitInfo(),
        // A rank about to sleep withdraws the offers nobody took: a receiver may never come.
        beforeSleep: () => this.sends.pending > 0 && this.sends.flush(true),
      },
      (options.spinMicros ?? 100) / 1000,
      (options.napMicros ?? 1000) / 1000,
    );
    // A receive matched a synchronous message: tell its sender (an empty message, same tag).
    this.matcher.onSyncMatch = (m) => void this.write(ackContext(m.context), m.source, m.tag, 0, EMPTY, 0);
  }

  send(context: number, dest: number, tag: number, kind: number, bytes: Uint8Array, sync = false): TransportOp<void> {
    if (!sync) return this.write(context, dest, tag, kind, bytes, 0);
    return synchronous(this.recv(ackContext(context), dest, tag, undefined), this.write(context, dest, tag, kind, bytes, SYNC));
  }

  private write(context: number, dest: number, tag: number, kind: number, bytes: Uint8Array, sync: number): TransportOp<void> {
    if (dest === this.rank) {
      const m = this.matcher.arrive(dest, tag, context, kind, bytes.byteLength, sync !== 0);
      m.data.set(bytes);
      m.got = bytes.byteLength;
      this.matcher.complete(m);
      // It may have settled what the loop sleeps on: let the loop see it (and stop holding the event loop).
      if (this.progress.sleeping) this.progress.schedule();
      return SENT;
    }
    const link = this.out[dest] ?? this.connect(dest);
    const n = bytes.byteLength;
    if (link.queue.length === 0 && n <= link.writer.maxFragment && link.writer.write(kind, FIRST | LAST | sync, tag, context, n, bytes, 0, n)) {
      wake(this.ctl, dest);
      return SENT;
    }
    // A large message: from now on the process keeps freed memory (libc.ts).
    if (n >= SCRATCH_MIN) keepFreedMemory();
    // A large message: offered for one copy straight from `bytes` (bulk.ts) ...
    if (link.queue.length === 0 && bulkable(n) && link.offer(kind, sync, tag, context, bytes)) {
      wake(this.ctl, dest);
      return this.queue(link, { context, tag, kind, bytes, sent: 0, op: undefined, sync, offered: performance.now() });
    }
    // ... or one copy into the bulk area, which the receiver, woken first, copies out behind.
    if (link.queue.length === 0 && bulkable(n) && link.bulk.claim(n)) {
      if (link.writer.write(kind, FIRST | LAST | BULK | sync, tag, context, n, bytes, 0, 0)) {
        wake(this.ctl, dest);
        link.bulk.fill(bytes);
        wake(this.ctl, dest);
        return SENT;
      }
      link.bulk.release();
    }
    const s: PendingSend = { context, tag, kind, bytes, sent: 0, op: undefined, sync, offered: 0 };
    if (link.queue.length === 0 && link.push(s)) {
      wake(this.ctl, dest);
      return SENT;
    }
    if (s.sent > 0) wake(this.ctl, dest);
    return this.queue(link, s);
  }

  /** Leaves `s` to the progress loop. */
  private queue(link: RingOutLink, s: PendingSend): TransportOp<void> {
    const op = (s.op = new TransportOp<void>());
    op.canceller = () => this.sends.cancel(link, s);
    this.sends.add(link, s);
    this.watch(op);
    return op;
  }

  recv(context: number, source: number, tag: number, into: Uint8Array | undefined): TransportOp<Received> {
    this.poll();
    const op = this.matcher.recv(context, source, tag, into);
    if (!op.done) this.watch(op);
    else if (this.progress.sleeping) this.progress.schedule();
    return op;
  }

  iprobe(context: number, source: number, tag: number): Envelope | undefined {
    this.poll();
    return this.matcher.iprobe(context, source, tag);
  }

  probe(context: number, source: number, tag: number): TransportOp<Envelope> {
    this.poll();
    const op = this.matcher.probe(context, source, tag);
    if (!op.done) this.watch(op);
    else if (this.progress.sleeping) this.progress.schedule();
    return op;
  }

  improbe(context: number, source: number, tag: number): Matched | undefined {
    this.poll();
    const m = this.matcher.improbe(context, source, tag);
    return m && matched(m, this.mrecv);
  }

  mprobe(context: number, source: number, tag: number): TransportOp<Matched> {
    this.poll();
    const op = asMatched(this.matcher.mprobe(context, source, tag), this.mrecv);
    if (!op.done) this.watch(op);
    return op;
  }

  private readonly mrecv = (m: Incoming, into: Uint8Array | undefined): TransportOp<Received> => {
    this.poll();
    const op = this.matcher.mrecv(m, into);
    if (!op.done) this.watch(op);
    return op;
  };

  /** Scratch segments in shared memory, for the collectives' shared-memory algorithms. */
  readonly segments: SharedSegments = {
    mine: (bytes) => this.table.mine(bytes),
    peer: (rank, gen) => {
      this.poll();
      const op = this.table.peer(rank, gen);
      if (!op.done) this.progress.schedule();
      return op;
    },
  };

  /** Hands `buffers` to rank `to` under `key` (a window's memory); it takes them with `sharedBuffers`. */
  shareBuffers(to: number, key: string, buffers: SharedArrayBuffer[]): void {
    if (to === this.rank) this.buffers.offer(to, key, buffers);
    else if (this.port) this.post({ type: 'share', from: this.rank, to, key, buffers });
  }

  /** The buffers rank `from` handed to this rank under `key`, once they arrive. */
  sharedBuffers(from: number, key: string): TransportOp<SharedArrayBuffer[]> {
    this.poll();
    const op = this.buffers.take(from, key);
    if (!op.done) this.progress.schedule();
    return op;
  }

  /** Asks the launcher to start ranks (comm.spawn's root); settles with its answer. Undefined without a launcher. */
  requestSpawn(request: SpawnRequest): TransportOp<SpawnReply> | undefined {
    if (!this.port) return undefined;
    const op = new TransportOp<SpawnReply>();
    this.spawns.set(request.id, op);
    this.post({ type: 'spawn', rank: this.rank, request });
    this.progress.schedule();
    return op;
  }

  abort(code: number, reason: string): void {
    if (!this.port) process.exit(code);
    this.post({ type: 'abort', rank: this.rank, code, reason });
  }

  /**
   * Forgets everything between this rank and `peer`, whose thread was ended and will be
   * started again (a pool replacing a worker): its rings are dropped, its unreceived
   * messages discarded, and sends still waiting for room in its ring fail with `err`.
   * The next send to `peer` makes a new ring, which reaches the new thread.
   */
  reset(peer: number, err: Error): void {
    // Take in the rings already announced, so none of the old thread's arrives later.
    this.poll();
    const link = this.out[peer];
    this.out[peer] = undefined;
    if (link) this.sends.fail(link, () => err);
    const i = this.inLinks.findIndex((l) => l.source === peer);
    const gone = i >= 0 ? this.inLinks.splice(i, 1)[0] : undefined;
    this.matcher.forget(peer, gone?.current, err);
  }

  /**
   * The thread is ending: no receiver may start copying out of its memory any more, the
   * offers nobody took are withdrawn into the bulk areas (their receivers still get them),
   * and the copies under way finish before this returns.
   */
  retire(): void {
    Atomics.or(this.ctl, slot(this.rank, READERS), STOPPING);
    if (this.sends.pending > 0) this.sends.flush(true);
    retire(this.ctl, this.rank);
  }

  /** Messages that reached this rank but were never received (reported at exit). */
  leftover(): number {
    this.poll();
    let n = 0;
    // Releases of shared-memory segments are bookkeeping, not user messages.
    for (let m = this.matcher.unexpected.head; m; m = m.next) if (m.value.context !== SEGMENT_CONTEXT) n++;
    for (const l of this.inLinks) n += l.unread();
    return n;
  }

  // A pending operation keeps the progress loop going; withdrawing it lets the loop
  // re-check whether anything is left, so an idle rank lets its event loop end.
  private watch(op: { canceller: (() => boolean) | undefined }): void {
    const withdraw = op.canceller;
    if (withdraw) {
      op.canceller = () => {
        const ok = withdraw();
        if (ok) this.progress.schedule();
        return ok;
      };
    }
    this.progress.schedule();
  }

  /** Drains every incoming ring; true if any record came in. */
  private poll(): boolean {
    // Read before the rings: an exit counted here comes after everything that rank wrote.
    const exits = this.port ? Atomics.load(this.ctl, slot(this.rank, EXITS)) : 0;
    if (this.port && Atomics.load(this.ctl, slot(this.rank, LINKS)) !== this.linksSeen) this.accept();
    const links = this.inLinks;
    let moved = false;
    for (let i = 0; i < links.length; i++) {
      const l = links[i]!;
      if (l.pump() > 0) {
        // Ringing a rank whose sends all fit would only cost a system call and a spurious wake.
        if (Atomics.load(this.ctl, slot(l.source, WANTS_ROOM)) !== 0) wake(this.ctl, l.source);
        moved = true;
      }
    }
    if (exits !== this.exitsSeen) {
      this.exitsSeen = exits;
      if (this.noticeExits()) moved = true;
    }
    return moved;
  }

  /**
   * Peers whose thread has ended (the launcher marked them Exited, then bumped EXITS):
   * their rings are drained once more after their STATE was read, so everything they sent
   * is in; what still waits on them fails with PeerExitedError. True if any rank exited
   * since the last look.
   */
  private noticeExits(): boolean {
    const exited: number[] = [];
    for (let r = 0; r < this.lines; r++) {
      if (r !== this.rank && !this.matcher.hasExited(r) && Atomics.load(this.ctl, slot(r, STATE)) === WaitState.Exited) exited.push(r);
    }
    if (exited.length === 0) return false;
    // A rank seen Exited here may have written (or linked to us) after the rings were
    // drained above, when it was not yet marked: drain again now that its STATE says it has
    // ended, so its last messages are in before anything waiting on it fails.
    if (Atomics.load(this.ctl, slot(this.rank, LINKS)) !== this.linksSeen) this.accept();
    for (const l of this.inLinks) if (exited.includes(l.source)) while (l.pump() > 0);
    for (const r of exited) {
      const link = this.inLinks.find((l) => l.source === r && l.current);
      if (link) {
        // Cut off part-way: the rest will never come.
        this.matcher.abandon(link.current!, new PeerExitedError(r, `A receive of a message from rank ${r}`));
        link.current = undefined;
      }
      this.matcher.peerExited(r);
      this.table.fail(r, new PeerExitedError(r, `A collective's wait for rank ${r}'s shared segment`));
      this.buffers.fail(r, new PeerExitedError(r, `A window's wait for rank ${r}'s memory`));
      const out = this.out[r];
      if (out?.queue.length) this.sends.fail(out, (q) => new PeerExitedError(r, `send(dest=${r}, tag=${q.tag})`));
    }
    return true;
  }

  private connect(dest: number): RingOutLink {
    const ring = createRing(this.ringBytes);
    const bulk = createBulk();
    this.post({ type: 'link', from: this.rank, to: dest, ring, bulk });
    const link = new RingOutLink(dest, ring, bulk, this.ctl);
    this.out[dest] = link;
    return link;
  }

  // The launcher forwards each new incoming ring, then bumps LINKS: read LINKS first so
  // every ring it counts is already in the port.
  private accept(): void {
    this.linksSeen = Atomics.load(this.ctl, slot(this.rank, LINKS));
    for (let msg = receiveMessageOnPort(this.port!); msg; msg = receiveMessageOnPort(this.port!)) {
      const m = msg.message as ToRank;
      if (m.type === 'link') this.inLinks.push(new RingInLink(m.from, m.ring, m.bulk, this.matcher, this.ctl));
      else if (m.type === 'share') this.buffers.offer(m.from, m.key, m.buffers);
      else if (m.type === 'spawned') this.spawnReplied(m.reply);
      else this.table.offer(m.from, m.gen, m.segment);
    }
  }

  private spawnReplied(reply: SpawnReply): void {
    const op = this.spawns.get(reply.id);
    if (!op) return;
    this.spawns.delete(reply.id);
    this.spawnsSettled++;
    op.resolve(reply);
  }

  private post(message: ToLauncher): void {
    this.port!.postMessage(message);
  }

  private waitInfo(): { op: WaitOp; peer: number; tag: number; pending: number } {
    const pending = this.matcher.pending + this.sends.pending + this.table.pending;
    const w = this.matcher.oldestWait();
    if (w) return { op: w.op === 'recv' ? WaitOp.Recv : w.op === 'send' ? WaitOp.Send : WaitOp.Probe, peer: w.peer, tag: w.tag, pending };
    // A receive that matched a message still arriving has left the posted queue, yet it
    // waits for that sender's next fragments.
    const arriving = this.inLinks.find((l) => l.current?.waiter);
    if (arriving) return { op: WaitOp.Recv, peer: arriving.source, tag: arriving.current!.tag, pending };
    const link = this.sends.links[0];
    if (link) return { op: WaitOp.Send, peer: link.dest, tag: link.queue[0]?.tag ?? -1, pending };
    const seg = this.table.oldestWait();
    if (seg) return { op: WaitOp.Segment, peer: seg.rank, tag: seg.gen, pending };
    return { op: WaitOp.None, peer: -1, tag: -1, pending };
  }
}
