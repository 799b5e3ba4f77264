import { cpus } from 'node:os';
import { config, type Config } from '../../config/config.ts';
import { UNDEFINED } from '../../constants.ts';
import { isValueKind, kindName } from '../../codec/kinds.ts';
import { ArgumentRangeError, InvalidArgumentError } from '../../errors.ts';
import { TransportOp } from '../op.ts';
import { synchronous } from '../synchronous.ts';
import { GROUP_CONTEXT, type Envelope, type Matched, type Received, type Transport } from '../transport.ts';
import type { StatusFields } from './abi.ts';
import { mpi, type Mpi } from './bindings.ts';
import { Channel, CommFactory } from './channels.ts';
import { InterFactory } from './inter.ts';
import { MpiCollectives } from './collectives.ts';
import { ranksPeers } from './detect.ts';
import { BODY, HEADER, INLINE_MAX, copyPayload, writeHeader } from './envelope.ts';
import { MpiProgress } from './progress.ts';
import { Receiver } from './receiver.ts';
import { RequestTable, type RequestOwner } from './requests.ts';
import type { Stashed } from './stash.ts';

const SENT = TransportOp.resolved<void>(undefined);
/** Payloads up to this size go out with a blocking MPI_Send of a reused envelope. */
const TINY = 256;
/** MPI counts are C ints. */
const MAX_COUNT = 2 ** 31 - 1;

/** Point-to-point entry points beyond the shared table: synchronous mode. */
interface SyncFunctions {
  Issend: (buf: ArrayBufferView | number | null, count: number, type: number, dest: number, tag: number, comm: number, req: number) => number;
}
const SYNC_SIGNATURES: Record<keyof SyncFunctions, string> = {
  Issend: 'int MPI_Issend(P, int, H, int, int, H, P)',
};

/** A send (or one half of one) in flight; keeps its buffer alive until MPI is done with it. */
class Sending implements RequestOwner {
  slot = -1;
  constructor(
    readonly t: MpiTransport,
    readonly op: TransportOp<void> | undefined,
    readonly buf: Uint8Array,
  ) {}
  complete(st: StatusFields): void {
    this.t.sent(this, st);
  }
}

/**
 * Ranks as the processes of an MPI job (mpiexec, srun), talking through the system's MPI
 * library via koffi. See envelope.ts for the message format, receiver.ts for matching,
 * progress.ts for how MPI is driven, collectives.ts for the native collectives.
 */
export class MpiTransport implements Transport {
  readonly name = 'mpi';
  readonly rank: number;
  readonly size: number;
  readonly tagUb: number;
  readonly collectives: MpiCollectives;
  /** The library and its version line, for `ranks info` and bench labels. */
  readonly library: string;
  readonly table: RequestTable;
  private readonly m: Mpi;
  private readonly syncFn: SyncFunctions;
  private readonly channels = new Map<number, Channel>();
  private readonly bodies: Channel;
  private readonly receiver: Receiver;
  private readonly progress: MpiProgress;
  private readonly factory: CommFactory;
  private readonly inter: InterFactory;
  private readonly peers: Set<number> | undefined;
  private readonly bodyTags: Uint32Array;
  private sendsSettled = 0;
  private readonly tiny = new Uint8Array(HEADER + TINY);
  private readonly tinyView = new DataView(this.tiny.buffer);
  private finished = false;

  constructor(m: Mpi = mpi()) {
    this.m = m;
    const a = m.abi;
    const fn = m.fn;
    const flag = [0];
    m.check(fn.Initialized(flag), 'MPI_Initialized');
    if (!flag[0]) m.check(fn.Init_thread(null, null, a.threadFunneled, [0]), 'MPI_Init_thread');
    m.check(fn.Comm_set_errhandler(a.commWorld, a.errorsReturn), 'MPI_Comm_set_errhandler');
    const out = [0];
    m.check(fn.Comm_rank(a.commWorld, out), 'MPI_Comm_rank');
    this.rank = out[0]!;
    m.check(fn.Comm_size(a.commWorld, out), 'MPI_Comm_size');
    this.size = out[0]!;
    this.tagUb = m.intAttr(a.commWorld, a.tagUb) ?? 32767;
    this.library = `${m.library.version} (${m.library.path})`;
    this.table = new RequestTable(m);
    this.syncFn = m.bind<SyncFunctions>(SYNC_SIGNATURES);
    this.factory = new CommFactory(m);
    this.inter = new InterFactory(m, this.factory);
    const peers = ranksPeers(this.size, this.rank);
    const mixed = peers !== undefined && peers.length < this.size;
    this.peers = mixed ? new Set(peers) : undefined;
    // The world's own traffic is on MPI_COMM_WORLD; bodies and the world's collectives
    // on communicators of the ranks processes alone.
    const ranksOnly = mixed ? this.factory.group(a.commWorld, peers, 7) : a.commWorld;
    const members = mixed ? peers : undefined;
    const n = members?.length ?? this.size;
    this.channels.set(0, new Channel(a.commWorld, this.size, undefined, mixed));
    this.channels.set(1, new Channel(this.factory.dup(ranksOnly), n, members));
    this.bodies = new Channel(this.factory.dup(ranksOnly), n, members);
    this.channels.set(GROUP_CONTEXT, new Channel(this.factory.dup(ranksOnly), n, members));
    this.bodyTags = new Uint32Array(this.size);
    this.receiver = new Receiver(m, this.table, this.bodies, (w) => this.peers !== undefined && !this.peers.has(w));
    this.collectives = new MpiCollectives(
      m,
      this.table,
      (c) => this.channel(c),
      () => this.progress.kick(),
    );
    this.progress = new MpiProgress({
      step: () => {
        this.table.poll();
        if (this.receiver.pending) this.receiver.poll();
      },
      settled: () => this.table.completed + this.receiver.settled,
      busy: () => this.table.size > 0 || this.receiver.pending > 0,
      hot: () => this.table.large > 0,
      spinMicros: spinMicros(),
    });
    process.on('exit', (code) => this.finish(code));
  }

  send(context: number, dest: number, tag: number, kind: number, bytes: Uint8Array, sync = false): TransportOp<void> {
    if (tag > this.tagUb) throw new ArgumentRangeError(`Expected \`tag\` to be at most ${this.tagUb} (this MPI library's MPI_TAG_UB), got ${tag}`);
    const ch = this.channel(context);
    const to = ch.local(dest);
    const n = bytes.byteLength;
    if (dest === this.rank && !ch.inter) {
      if (!sync) {
        this.receiver.toSelf(ch, dest, tag, kind, bytes);
        return SENT;
      }
      // Synchronous to itself: done when a receive (or matched probe) of this rank takes it.
      const op = new TransportOp<void>();
      this.receiver.toSelf(ch, dest, tag, kind, bytes, () => op.resolve(undefined));
      return op;
    }
    if (ch.mixed && this.peers && !this.peers.has(dest)) {
      if (isValueKind(kind))
        throw new InvalidArgumentError(
          `Rank ${dest} does not run ranks (RANKS_MPI_PEERS, or its own mpiexec app context): send it TypedArrays, not ${kindName(kind)}s`,
        );
      return this.isend(bytes, n, to, tag, ch.comm, true, sync);
    }
    const seq = ch.seq[to]!;
    ch.seq[to] = seq + 1;
    if (n <= TINY && !sync) {
      // Far below every eager limit, so MPI_Send returns at once: one call, no request.
      const env = this.tiny;
      writeHeader(this.tinyView, kind, 0, seq, n, 0);
      copyPayload(env, HEADER, bytes, 0, n);
      const rc = this.m.fn.Send(env, HEADER + n, this.m.abi.types.byte, to, tag, ch.comm);
      if (rc !== 0) throw this.m.error(rc, 'MPI_Send');
      return SENT;
    }
    if (n <= INLINE_MAX) {
      const env = new Uint8Array(HEADER + n);
      writeHeader(new DataView(env.buffer), kind, 0, seq, n, 0);
      env.set(bytes, HEADER);
      return this.isend(env, HEADER + n, to, tag, ch.comm, true, sync);
    }
    if (n > MAX_COUNT) throw new ArgumentRangeError(`A message of ${n} bytes is larger than MPI's largest count (${MAX_COUNT}); send it in parts`);
    // An intercommunicator's bodies go on its own body channel (inter.ts), numbered by its ranks.
    const bodies = ch.bodies ?? this.bodies;
    const tags = ch.bodyTags ?? this.bodyTags;
    const at = ch.bodyTags ? to : dest;
    const bodyTag = tags[at]!;
    tags[at] = bodyTag >= this.tagUb ? 0 : bodyTag + 1;
    const env = new Uint8Array(HEADER);
    writeHeader(new DataView(env.buffer), kind, BODY, seq, n, bodyTag);
    // Synchronous: the envelope goes by MPI_Issend, so the send is done once it matched and the body is out.
    const head = this.isend(env, HEADER, to, tag, ch.comm, sync, sync);
    const body = this.isend(bytes, n, bodies.local(dest), bodyTag, bodies.comm, true);
    return sync ? synchronous(head, body) : body;
  }

  recv(context: number, source: number, tag: number, into: Uint8Array | undefined): TransportOp<Received> {
    const op = this.receiver.recv(this.channel(context), source, tag, into);
    if (!op.done) this.progress.kick();
    return op;
  }

  iprobe(context: number, source: number, tag: number): Envelope | undefined {
    this.table.poll();
    return this.receiver.iprobe(this.channel(context), source, tag);
  }

  probe(context: number, source: number, tag: number): TransportOp<Envelope> {
    this.table.poll();
    const op = this.receiver.probe(this.channel(context), source, tag);
    if (!op.done) this.progress.kick();
    return op;
  }

  improbe(context: number, source: number, tag: number): Matched | undefined {
    this.table.poll();
    const e = this.receiver.improbe(this.channel(context), source, tag);
    return e && this.matched(e);
  }

  mprobe(context: number, source: number, tag: number): TransportOp<Matched> {
    this.table.poll();
    const op = this.receiver.mprobe(this.channel(context), source, tag) as TransportOp<unknown>;
    if (op.done) return op.failed ? (op as TransportOp<Matched>) : TransportOp.resolved(this.matched(op.value as Stashed));
    op.finish = (e: Stashed) => this.matched(e);
    this.progress.kick();
    return op as TransportOp<Matched>;
  }

  abort(code: number, reason: string): void {
    process.stderr.write(`ranks: ${reason}\n`);
    this.finished = true;
    this.m.fn.Abort(this.m.abi.commWorld, code);
    process.exit(code);
  }

  derive(parent: number, context: number, color: number, key: number, members: readonly number[]): void {
    const p = this.channel(parent);
    // In a job mixed with other programs, only the ranks processes take part.
    const from = p.mixed ? this.channel(parent + 1) : p;
    const comm = this.factory.split(from.comm, color === UNDEFINED ? this.m.abi.undefined : color, key);
    if (comm === this.m.abi.commNull) return;
    const identity = members.length === this.size && members.every((w, i) => w === i);
    const list = identity ? undefined : members;
    this.channels.set(context, new Channel(comm, members.length, list));
    this.channels.set(context + 1, new Channel(this.factory.dup(comm), members.length, list));
  }

  deriveGroup(parent: number, context: number, members: readonly number[], tag: number): void {
    const p = this.channel(parent);
    const from = p.mixed ? this.channel(parent + 1) : p;
    const comm = this.factory.group(
      from.comm,
      members.map((w) => from.local(w)),
      tag,
    );
    const identity = members.length === this.size && members.every((w, i) => w === i);
    const list = identity ? undefined : members;
    this.channels.set(context, new Channel(comm, members.length, list));
    this.channels.set(context + 1, new Channel(this.factory.dup(comm), members.length, list));
  }

  deriveInter(local: number, leader: number, peer: number, remoteLeader: number, tag: number, context: number, remote: readonly number[]): void {
    const l = this.channel(local);
    const from = l.mixed ? this.channel(local + 1) : l;
    const p = peer >= 0 ? this.channel(peer) : undefined;
    const handle = this.inter.create(from.comm, from.local(leader), p ? p.comm : from.comm, p ? p.local(remoteLeader) : 0, tag);
    this.adoptInter(context, handle, remote);
  }

  adoptInter(context: number, handle: number, remote: readonly number[], foreign = false): void {
    const [p2p, coll] = this.inter.channels(handle, remote, true, foreign);
    this.channels.set(context, p2p);
    this.channels.set(context + 1, coll);
  }

  mergeInter(inter: number, context: number, low: boolean, members: readonly number[]): void {
    const merged = this.inter.merge(this.channel(inter).comm, !low);
    const identity = members.length === this.size && members.every((w, i) => w === i);
    if (identity) {
      this.channels.set(context, new Channel(merged, members.length, undefined));
      this.channels.set(context + 1, new Channel(this.factory.dup(merged), members.length, undefined));
      return;
    }
    // Members of another MPI_COMM_WORLD (spawned) have addresses the world's body channel lacks.
    const [p2p, coll] = this.inter.channels(merged, members, false);
    this.channels.set(context, p2p);
    this.channels.set(context + 1, coll);
  }

  deriveSelf(context: number): void {
    if (this.channels.has(context)) return;
    const self = this.m.abi.commSelf;
    this.m.check(this.m.fn.Comm_set_errhandler(self, this.m.abi.errorsReturn), 'MPI_Comm_set_errhandler');
    const list = this.size === 1 ? undefined : [this.rank];
    this.channels.set(context, new Channel(self, 1, list));
    this.channels.set(context + 1, new Channel(this.factory.dup(self), 1, list));
  }

  releaseContext(context: number): void {
    for (const c of [context, context + 1]) {
      const ch = this.channels.get(c);
      if (!ch) continue;
      this.channels.delete(c);
      this.freeComm(ch.comm);
      // The body channel is shared by both contexts' channels: freed once.
      if (ch.bodies && c === context) this.freeComm(ch.bodies.comm);
    }
  }

  private freeComm(comm: number): void {
    if (comm === this.m.abi.commWorld || comm === this.m.abi.commSelf) return;
    const h = new DataView(new ArrayBuffer(8));
    if (this.m.abi.handle === 'int') h.setInt32(0, comm, true);
    else h.setBigInt64(0, BigInt(comm), true);
    this.m.check(this.m.fn.Comm_free(new Uint8Array(h.buffer)), 'MPI_Comm_free');
  }

  /** @internal A send request finished. */
  sent(s: Sending, st: StatusFields): void {
    this.sendsSettled++;
    if (!s.op) return;
    if (st.error !== 0) s.op.reject(this.m.error(st.error, 'MPI_Isend'));
    else s.op.resolve(undefined);
  }

  /** @internal The channel of a context. */
  channel(context: number): Channel {
    const ch = this.channels.get(context);
    if (!ch) throw new RangeError(`No MPI communicator for context ${context}`);
    return ch;
  }

  // A message a matched probe took; receiving it goes through the stash's delivery.
  private matched(e: Stashed): Matched {
    return {
      source: e.source,
      tag: e.tag,
      kind: e.kind,
      bytes: e.bytes,
      recv: (into) => {
        const op = this.receiver.mrecv(e, into);
        if (!op.done) this.progress.kick();
        return op;
      },
    };
  }

  private isend(buf: Uint8Array, count: number, dest: number, tag: number, comm: number, owned: boolean, sync = false): TransportOp<void> {
    const op = owned ? new TransportOp<void>() : undefined;
    const s = new Sending(this, op, buf);
    const addr = this.table.add(s, count);
    const rc = (sync ? this.syncFn.Issend : this.m.fn.Isend)(buf, count, this.m.abi.types.byte, dest, tag, comm, addr);
    if (rc !== 0) {
      this.table.drop(s);
      throw this.m.error(rc, sync ? 'MPI_Issend' : 'MPI_Isend');
    }
    if (this.table.test(s)) return op?.failed ? op : SENT;
    this.progress.kick();
    return op ?? SENT;
  }

  // MPI_Finalize on a normal exit. A failed exit skips it: Node prints the error after
  // 'exit', so MPI_Abort here would swallow it, and the launcher ends the job anyway when
  // a process dies without finalizing.
  private finish(code: number): void {
    if (this.finished) return;
    this.finished = true;
    if (code === 0) this.m.fn.Finalize();
  }
}

/**
 * How long an MPI rank spins before it naps: RANKS_SPIN_US, else 50 µs, or 5 when more
 * ranks than cores share the node (spin little; let the naps hand the core over). The
 * node's cores, not this process's: launchers bind each rank to one core.
 */
export function spinMicros(c: Config = config()): number {
  if (c.spinMicros !== undefined) return c.spinMicros;
  return (c.launcher.localSize ?? 1) > cpus().length ? 5 : 50;
}
