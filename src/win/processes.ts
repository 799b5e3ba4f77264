// Windows of the processes transport, origin side: each operation is a request to the
// target's engine (engine.ts); operations that return data wait for its answer. Puts and
// accumulates are not answered: flush (and unlock, fence, complete, free) asks the target
// for an answer that, coming after them on the same connection, says they are applied.
import { bytesOf } from '../codec/encode.ts';
import { ARRAY_BUFFER } from '../codec/kinds.ts';
import type { Communicator } from '../comm/communicator.ts';
import type { Op, TypedArray } from '../comm/collectives/ops.ts';
import type { Backend, BackendInit } from './backend.ts';
import { Engine } from './engine.ts';
import { KINDS, view } from './kinds.ts';
import { REPLY, Req, SEQ_WRAP, frame } from './protocol.ts';
import { Pscw } from './pscw.ts';

const EMPTY = new Uint8Array(0);

export class ProcessesBackend implements Backend {
  readonly array: TypedArray;
  private readonly engine: Engine;
  private readonly pscw: Pscw;
  private seq = 0;
  /** Targets with requests not yet known to be applied, and the sends still under way to them. */
  private readonly unflushed = new Map<number, Promise<void>[]>();
  private readonly held = new Set<number>();

  /** `comm` carries answers, barriers and PSCW; `engineComm`'s context carries requests. */
  private constructor(
    private readonly init: BackendInit,
    private readonly engineComm: Communicator,
  ) {
    const { comm, layout } = init;
    const me = comm.rank;
    const kind = layout.kinds[me]!;
    const n = layout.lengths[me]!;
    this.array = init.memory ?? view(kind, new ArrayBuffer(n * KINDS[kind]!.BYTES_PER_ELEMENT), 0, n);
    this.engine = new Engine(comm.transport, engineComm.context, comm.context, this.array, kind);
    this.pscw = new Pscw(comm);
  }

  static async create(init: BackendInit): Promise<ProcessesBackend> {
    const engineComm = await init.comm.dup();
    const b = new ProcessesBackend(init, engineComm);
    // No request may reach an engine before it listens.
    await init.comm.barrier();
    return b;
  }

  private get comm(): Communicator {
    return this.init.comm;
  }

  // Puts and accumulates are tracked until flushed; requests that are answered need not be.
  private send(target: number, req: Req, bytes: Uint8Array, tracked = true): Promise<void> {
    const sent = this.comm.transport.send(this.engineComm.context, this.comm.world(target), req, ARRAY_BUFFER, bytes).promise;
    if (!tracked) return sent;
    let list = this.unflushed.get(target);
    if (!list) this.unflushed.set(target, (list = []));
    list.push(sent);
    return sent;
  }

  private next(): number {
    this.seq = (this.seq + 1) % SEQ_WRAP;
    return this.seq;
  }

  /** Sends a request and resolves once its answer is in `into`. */
  private async call(
    target: number,
    req: Req,
    into: Uint8Array,
    offset: number,
    count: number,
    op: number,
    exclusive: number,
    ...parts: Uint8Array[]
  ): Promise<void> {
    const seq = this.next();
    const answer = this.comm.transport.recv(this.comm.context, this.comm.world(target), REPLY + seq, into).promise;
    await Promise.all([this.send(target, req, frame(seq, offset, count, op, exclusive, ...parts), false), answer]);
  }

  async put(data: TypedArray, target: number, offset: number): Promise<void> {
    await this.send(target, Req.Put, frame(0, offset, data.length, 0, 0, bytesOf(data)));
  }

  get(into: TypedArray, target: number, offset: number): Promise<void> {
    return this.call(target, Req.Get, bytesOf(into), offset, into.length, 0, 0);
  }

  async accumulate(data: TypedArray, target: number, offset: number, op: Op): Promise<void> {
    await this.send(target, Req.Acc, frame(0, offset, data.length, op.code, 0, bytesOf(data)));
  }

  getAccumulate(data: TypedArray, result: TypedArray, target: number, offset: number, op: Op): Promise<void> {
    return this.call(target, Req.GetAcc, bytesOf(result), offset, data.length, op.code, 0, bytesOf(data));
  }

  compareAndSwap(value: TypedArray, compare: TypedArray, result: TypedArray, target: number, offset: number): Promise<void> {
    return this.call(target, Req.Cas, bytesOf(result), offset, 1, 0, 0, bytesOf(value), bytesOf(compare));
  }

  async fence(): Promise<void> {
    await this.flushAll();
    await this.comm.barrier();
  }

  async lock(target: number, exclusive: boolean): Promise<void> {
    await this.call(target, Req.Lock, EMPTY, 0, 0, 0, exclusive ? 1 : 0);
    this.held.add(target);
  }

  async unlock(target: number): Promise<void> {
    this.unflushed.delete(target);
    await this.call(target, Req.Unlock, EMPTY, 0, 0, 0, 0);
    this.held.delete(target);
  }

  async lockAll(): Promise<void> {
    await Promise.all(Array.from({ length: this.comm.size }, (_, r) => this.lock(r, false)));
  }

  async unlockAll(): Promise<void> {
    await Promise.all([...this.held].map((r) => this.unlock(r)));
  }

  async flush(target: number): Promise<void> {
    const sends = this.unflushed.get(target);
    if (!sends) return;
    this.unflushed.delete(target);
    await Promise.all(sends);
    await this.call(target, Req.Flush, EMPTY, 0, 0, 0, 0);
  }

  async flushAll(): Promise<void> {
    await Promise.all([...this.unflushed.keys()].map((r) => this.flush(r)));
  }

  async flushLocal(target: number): Promise<void> {
    await Promise.all(this.unflushed.get(target) ?? []);
  }

  post(ranks: readonly number[]): Promise<void> {
    return this.pscw.post(ranks);
  }

  start(ranks: readonly number[]): Promise<void> {
    return this.pscw.start(ranks);
  }

  async complete(): Promise<void> {
    await Promise.all(this.pscw.targets.map((r) => this.flush(r)));
    await this.pscw.complete();
  }

  wait(): Promise<void> {
    return this.pscw.wait();
  }

  async free(): Promise<void> {
    await this.flushAll();
    await this.comm.barrier();
    this.engine.stop();
  }
}
