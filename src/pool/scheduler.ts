import type { Communicator } from '../comm/communicator.ts';
import { BrokenPoolError, InvalidStateError, PeerExitedError, isRanksError } from '../errors.ts';
import { Future, type FutureOwner } from './future.ts';
import { dropSettled, makeChunks, refuseShared, settleChunk, watchStop, type Batch, type Chunk, type StopOptions } from './chunks.ts';
import type { WorkerHost } from './host.ts';
import { poolWorld, type PoolTransport } from './hosts.ts';
import { RESULT, TASK, type ResultMessage } from './protocol.ts';
import type { SchedulerOptions } from './options.ts';
import type { Task } from './tasks.ts';
import { Seats } from './seats.ts';
import { ChunkQueue } from './queue.ts';
import { Dispatch } from './dispatch.ts';
import type { Request } from '../comm/request.ts';

const RESULT_TAG = { tag: RESULT } as const;

export type { StopOptions } from './chunks.ts';

/**
 * A pool's world: this thread is rank 0 and schedules chunks of calls to the worker
 * ranks (threads over rings, no postMessage per task; processes over sockets; or the
 * ranks of a communicator), prefetching chunks per worker when plenty is queued (see
 * seats.ts). A worker that dies breaks the pool: every pending future rejects with
 * BrokenPoolError, and so does every later submit.
 */
export class Scheduler {
  readonly size: number;
  private readonly comm: Communicator;
  /** Forgets a replaced worker's channels (pools that start their workers). */
  private readonly reset: PoolTransport['reset'] | undefined;
  private readonly host: WorkerHost;
  private readonly seats: Seats;
  private readonly dispatch: Dispatch;
  private readonly queue = new ChunkQueue();
  private readonly chunks = new Map<number, Chunk>();
  private nextId = 1;
  private receiving = false;
  private pumping = false;
  private broken: BrokenPoolError | undefined;
  private stopping = false;
  /** close() or terminate() was called: submits throw (see checkOpen). */
  private closing = false;
  private closed: Promise<void> | undefined;
  private drained: (() => void)[] = [];
  /** The receive of workers' results under way. */
  private results: Request<ResultMessage[]> | undefined;
  private submitted = 0;
  private finished = 0;

  constructor(private readonly options: SchedulerOptions = {}) {
    ({ size: this.size, comm: this.comm, host: this.host, reset: this.reset } = poolWorld({
      size: options.size, comm: options.comm, isolation: options.isolation ?? 'thread', initializer: options.initializer, initArgs: options.initArgs ?? [], resourceLimits: options.resourceLimits,
      onDeath: (_rank, err) => this.fail(new BrokenPoolError(err.message, { cause: err.cause ?? err })),
    }));
    this.seats = new Seats(this.size, this.host.flags, options.maxTasksPerWorker);
    this.dispatch = new Dispatch(this.comm, this.host, (c, rank) => c.worker === rank && this.chunks.has(c.id), (chunk, err) => {
      this.forget(chunk);
      for (const f of chunk.futures) f.setException(err);
      this.pump();
      this.checkDrained();
    });
  }

  /**
   * Futures for calls of `task`, queued in chunks of `chunksize`: one per call, or with
   * `bulk` one per chunk, settled with the chunk's outcomes.
   */
  submit<R>(task: Task, calls: unknown[][], chunksize = 1, stop?: StopOptions, bulk = false): Future<R>[] {
    this.checkOpen();
    const n = bulk ? Math.ceil(calls.length / chunksize) : calls.length;
    const futures: Future<R>[] = new Array<Future<R>>(n);
    for (let i = 0; i < n; i++) futures[i] = new Future<R>();
    if (n === 0) return futures;
    // A queued call can be withdrawn (it stays in its chunk but is skipped when sent), and
    // so can a lone call its worker holds but has not started: see `owner`.
    const chunks = makeChunks(task, calls, futures as Future[], chunksize, bulk, stop, this.nextId, this.owner);
    this.nextId += chunks.length;
    for (const chunk of chunks) {
      this.chunks.set(chunk.id, chunk);
      this.queue.push(chunk);
    }
    this.submitted += calls.length;
    if (!this.host.sharesMemory) refuseShared(calls, (i) => futures[bulk ? Math.floor(i / chunksize) : i] as Future);
    const batch = chunks[0]!.batch;
    if (batch) batch.cleanup = watchStop(stop, (err) => this.stopBatch(batch, err));
    // Submits made in one go (a loop of submit()) leave as one batch per worker.
    if (!this.pumping) {
      this.pumping = true;
      queueMicrotask(this.pumpSoon);
    }
    return futures;
  }

  private readonly pumpSoon = (): void => {
    this.pumping = false;
    this.pump();
  };

  /** How this scheduler's futures reach it: a cancel, and being done. */
  private readonly owner: FutureOwner = {
    withdraw: (slot) => {
      const chunk = slot as Chunk;
      return chunk.worker === 0 || this.withdrawOne(chunk);
    },
    finished: (slot) => {
      const chunk = slot as Chunk;
      const calls = chunk.bulk ? chunk.calls.length : 1;
      this.finished += calls;
      this.options.onProgress?.(this.finished, this.submitted);
      if (chunk.batch && (chunk.batch.left -= calls) === 0) chunk.batch.cleanup?.();
    },
  };

  /**
   * Throws, at the call (as Python does), unless the pool takes tasks: InvalidStateError
   * (ERR_INVALID_STATE) once close(), shutdown() or terminate() was called, BrokenPoolError
   * (ERR_BROKEN_POOL) once a worker died.
   */
  checkOpen(): void {
    if (this.closing) throw new InvalidStateError('The pool is closed: it takes no new tasks after close(), shutdown() or terminate()');
    if (this.broken) throw new BrokenPoolError(this.broken.message, { cause: this.broken.cause });
  }

  /** Cancels every call not started yet (queued, or held by a worker that can give it back). */
  cancelPending(): void {
    for (const chunk of [...this.chunks.values()]) for (const f of chunk.futures) f.cancel();
  }

  /** Stops taking tasks; resolves when every queued task has run and the workers have ended. */
  close(): Promise<void> {
    this.closing = true;
    return (this.closed ??= this.shutdown());
  }

  /** Ends the workers now; pending futures reject with BrokenPoolError. */
  async terminate(): Promise<void> {
    this.closing = true;
    this.stopping = true;
    this.fail(new BrokenPoolError('The pool was terminated'));
    await this.host.terminate();
    this.host.dispose?.();
  }

  private async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.chunks.size > 0 && !this.broken) await new Promise<void>((r) => this.drained.push(r));
    await this.seats.ready();
    if (this.broken) return this.host.terminate().then(() => this.host.dispose?.());
    this.host.ref();
    const ends: Promise<number>[] = [];
    for (let rank = 1; rank <= this.size; rank++) {
      ends.push(this.host.exited(rank));
      this.comm.isend(null, rank, { tag: TASK }).then(undefined, () => undefined);
    }
    await Promise.all(ends);
    this.host.dispose?.();
  }

  /** The submission's queued calls are dropped and running ones stopped with their worker. */
  private stopBatch(batch: Batch, err: Error): void {
    const stopped = [...batch.chunks];
    const replace = new Set<number>();
    for (const chunk of stopped) {
      if (chunk.worker === 0) this.queue.remove(chunk);
      // A rank of a communicator cannot be ended: its call is let go, its result dropped.
      else if (!this.seats.withdraw(chunk) && this.host.canReplace) replace.add(chunk.worker);
      this.forget(chunk);
    }
    for (const rank of replace) this.replace(rank);
    for (const chunk of stopped) for (const f of chunk.futures) f.setException(err);
    this.pump();
    this.checkDrained();
  }

  private forget(chunk: Chunk): void {
    this.chunks.delete(chunk.id);
    chunk.batch?.chunks.delete(chunk);
    this.seats.release(chunk);
  }

  /** Ends `rank`'s thread and starts another; the other chunks it held go back to the front of the queue. */
  private replace(rank: number): void {
    this.reset?.(rank, new PeerExitedError(rank, 'A task sent to a replaced worker'));
    this.requeue(this.vacate(rank, this.host.replace(rank)));
  }

  private vacate(rank: number, started: Promise<void>): Chunk[] {
    const fail = (e: unknown): void => this.fail(new BrokenPoolError(`A pool worker could not be replaced: ${(e as Error).message}`, { cause: e }));
    return this.seats.vacate(rank, started, fail, () => this.pump());
  }

  private requeue(chunks: Chunk[]): void {
    for (const c of chunks.reverse()) {
      if (!this.chunks.has(c.id)) continue;
      c.worker = 0;
      this.queue.unshift(c);
    }
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.broken) {
      const best = this.seats.pick(this.queue.length);
      if (best === 0) break;
      const chunk = this.queue.shift()!;
      if (!this.start(chunk)) continue;
      this.seats.hold(chunk, best);
      this.dispatch.add(chunk, best);
    }
    this.dispatch.flush();
    if (this.outstanding() && !this.receiving) void this.receive();
  }

  private outstanding(): boolean {
    return this.chunks.size > 0 || this.seats.holding();
  }

  private withdrawOne(chunk: Chunk): boolean {
    if (chunk.futures.length !== 1 || !this.seats.withdraw(chunk)) return false;
    this.forget(chunk);
    queueMicrotask(() => {
      this.pump();
      this.checkDrained();
    });
    return true;
  }

  /** Drops the chunk's cancelled calls; false if none is left. */
  private start(chunk: Chunk): boolean {
    if (dropSettled(chunk)) return true;
    this.forget(chunk);
    this.checkDrained();
    return false;
  }

  private async receive(): Promise<void> {
    this.receiving = true;
    try {
      while (this.outstanding() && !this.broken) {
        let replies: ResultMessage[];
        try {
          this.results = this.comm.irecv<ResultMessage[]>(RESULT_TAG);
          replies = await this.results;
        } catch (err) {
          // A result cut short by its worker's replacement: that chunk is queued again. Or
          // the receive was cancelled since nothing was left to hear (see checkDrained).
          if (isRanksError(err) && (err.code === 'ERR_PEER_EXITED' || err.code === 'ERR_CANCELLED')) continue;
          throw err;
        }
        for (const reply of replies) this.settle(reply);
        this.retireSpent();
        this.pump();
        this.checkDrained();
      }
    } catch (err) {
      if (!this.broken) this.fail(new BrokenPoolError(`The pool lost its workers' results: ${(err as Error).message}`, { cause: err }));
    } finally {
      this.receiving = false;
    }
  }

  private settle([id, outcomes, values]: ResultMessage): void {
    // A worker skipped a withdrawn chunk: it may take another.
    if (outcomes === null && values === undefined) return this.seats.skipped(id);
    const chunk = this.chunks.get(id);
    if (!chunk) return;
    if (chunk.worker === 0) this.queue.remove(chunk);
    this.forget(chunk);
    settleChunk(chunk, outcomes, values);
  }

  /**
   * Workers that have run maxTasksPerWorker calls and hold nothing are replaced by fresh
   * ones. Once closing, only as many as the queued chunks still need: a spent worker left
   * standing with work queued would hang close() (CPython's bug 10332).
   */
  private retireSpent(): void {
    let wanted = this.stopping ? this.queue.length : Infinity;
    if (wanted === 0) return;
    for (const rank of this.seats.spent()) {
      if (wanted-- === 0) break;
      const ended = this.host.exited(rank);
      this.comm.isend(null, rank, { tag: TASK }).then(undefined, () => undefined);
      this.vacate(rank, ended.then(() => {
        this.reset?.(rank, new PeerExitedError(rank, 'A task sent to a retired worker'));
        return this.host.replace(rank, false);
      }));
    }
  }

  private checkDrained(): void {
    if (this.chunks.size === 0) for (const d of this.drained.splice(0)) d();
    // Nothing left to hear (the last calls were stopped or withdrawn): a receive left
    // waiting would hold the transport awake, and so the process alive, forever.
    if (!this.outstanding()) this.results?.cancel();
  }

  private fail(err: BrokenPoolError): void {
    if (this.broken) return;
    this.broken = err;
    const pending = [...this.chunks.values()];
    this.chunks.clear();
    this.queue.clear();
    for (const chunk of pending) for (const f of chunk.futures) f.setException(err);
    this.results?.cancel();
    for (const d of this.drained.splice(0)) d();
    if (!this.stopping) {
      this.stopping = true;
      void this.host.terminate();
    }
  }
}
