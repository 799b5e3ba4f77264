import { BrokenPoolError } from '../errors.ts';
import { Future, type FutureOwner } from './future.ts';
import { Book } from './book.ts';
import { callCount, type Calls } from './packed-calls.ts';
import { makeChunks, refuseShared, settleChunk, watchStop, type Batch, type Chunk, type StopOptions } from './chunks.ts';
import type { WorkerHost } from './host.ts';
import { decodeReply, TASK, type Reply, type ResultMessage } from './protocol.ts';
import type { Task } from './tasks.ts';
import { Seats } from './seats.ts';
import { Dispatch } from './dispatch.ts';
import { Results } from './results.ts';
import { SchedulerPhase, type SchedulerState } from './state.ts';
import { Turnover } from './turnover.ts';
import type { PoolLink, WorldFactory } from './world.ts';

const TASK_TAG = { tag: TASK } as const;

export type { StopOptions } from './chunks.ts';

/** What a scheduler does besides scheduling: its workers' call budget, and whom it tells of progress. */
export interface SchedulerSettings {
  /** Calls a worker runs before it is replaced by a fresh one (default: no limit). */
  maxTasksPerWorker?: number | undefined;
  /** Called after every call settles, with the calls settled and submitted so far. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/**
 * A pool's rank 0: it schedules chunks of calls to the worker ranks of the world it is
 * given (threads over rings, no postMessage per task; processes over sockets; the ranks of
 * a communicator; or a test's fake), prefetching chunks per worker when plenty is queued
 * (see seats.ts). A chunk moves through the states of lifecycle.ts; the scheduler itself
 * through those of state.ts. A worker that dies breaks the pool: every pending future
 * rejects with BrokenPoolError, and so does every later submit.
 */
export class Scheduler {
  readonly size: number;
  private readonly comm: PoolLink;
  private readonly host: WorkerHost;
  private readonly seats: Seats;
  private readonly book: Book;
  private readonly dispatch: Dispatch;
  private readonly results: Results;
  private readonly turnover: Turnover;
  private readonly phase = new SchedulerPhase();
  private nextId = 1;
  /** A pump is due in a microtask: submits made in one go (a loop of submit()) leave as one batch per worker. */
  private pumpDue = false;
  private closed: Promise<void> | undefined;
  private submitted = 0;
  private finished = 0;

  /** @param world makes the world to schedule on, given what to call when a worker dies unasked. */
  constructor(
    world: WorldFactory,
    private readonly settings: SchedulerSettings = {},
  ) {
    const w = world((_rank, err) => this.fail(new BrokenPoolError(err.message, { cause: err.cause ?? err })));
    ({ size: this.size, comm: this.comm, host: this.host } = w);
    this.seats = new Seats(this.size, this.host.flags, settings.maxTasksPerWorker);
    this.book = new Book(this.seats);
    this.dispatch = new Dispatch(this.comm, this.host, (chunk, err) => {
      this.book.forget(chunk);
      for (const f of chunk.futures) f.setException(err);
      this.pump();
    });
    this.results = new Results(this.comm, {
      wanted: () => this.outstanding() && !this.phase.failure,
      take: (replies) => this.take(replies),
      lost: (err) => this.fail(new BrokenPoolError(`The pool lost its workers' results: ${(err as Error).message}`, { cause: err })),
    });
    this.turnover = new Turnover(w, this.seats, {
      requeue: (chunks) => this.book.putBack(chunks),
      ready: () => this.pump(),
      fail: (err) => this.fail(err),
    });
  }

  /** Open, broken, closing, closed or terminated (see state.ts). */
  get state(): SchedulerState {
    return this.phase.state;
  }

  /**
   * Futures for calls of `task`, queued in chunks of `chunksize`: one per call, or with
   * `bulk` one per chunk, settled with the chunk's outcomes.
   */
  submit<R>(task: Task, calls: Calls, chunksize = 1, stop?: StopOptions, bulk = false): Future<R>[] {
    this.checkOpen();
    const count = callCount(calls);
    const n = bulk ? Math.ceil(count / chunksize) : count;
    const futures: Future<R>[] = new Array<Future<R>>(n);
    for (let i = 0; i < n; i++) futures[i] = new Future<R>();
    if (n === 0) return futures;
    // A queued call can be withdrawn (it stays in its chunk but is skipped when sent), and
    // so can a lone call its worker holds but has not started: see `owner`.
    const chunks = makeChunks(task, calls, futures as Future[], chunksize, bulk, stop, this.nextId, this.owner);
    this.nextId += chunks.length;
    for (const chunk of chunks) this.book.admit(chunk);
    this.submitted += count;
    if (!this.host.sharesMemory) refuseShared(calls, (i) => futures[bulk ? Math.floor(i / chunksize) : i] as Future);
    const batch = chunks[0]!.batch;
    if (batch) batch.cleanup = watchStop(stop, (err) => this.stopBatch(batch, err));
    if (!this.pumpDue) {
      this.pumpDue = true;
      queueMicrotask(this.pumpSoon);
    }
    return futures;
  }

  private readonly pumpSoon = (): void => {
    this.pumpDue = false;
    this.pump();
  };

  /** How this scheduler's futures reach it: a cancel, and being done. */
  private readonly owner: FutureOwner = {
    withdraw: (slot) => {
      const chunk = slot as Chunk;
      return chunk.state.kind === 'queued' || this.withdrawOne(chunk);
    },
    finished: (slot) => {
      const chunk = slot as Chunk;
      const calls = chunk.bulk ? callCount(chunk.calls) : 1;
      this.finished += calls;
      this.settings.onProgress?.(this.finished, this.submitted);
      if (chunk.batch && (chunk.batch.left -= calls) === 0) chunk.batch.cleanup?.();
    },
  };

  /**
   * Throws, at the call (as Python does), unless the pool takes tasks: InvalidStateError
   * (ERR_INVALID_STATE) once close(), shutdown() or terminate() was called, BrokenPoolError
   * (ERR_BROKEN_POOL) once a worker died.
   */
  checkOpen(): void {
    this.phase.checkOpen();
  }

  /** Cancels every call not started yet (queued, or held by a worker that can give it back). */
  cancelPending(): void {
    for (const chunk of this.book.all()) for (const f of chunk.futures) f.cancel();
  }

  /** Stops taking tasks; resolves when every queued task has run and the workers have ended. */
  close(): Promise<void> {
    this.phase.close();
    return (this.closed ??= this.shutdown());
  }

  /** Ends the workers now; pending futures reject with BrokenPoolError. */
  async terminate(): Promise<void> {
    const error = new BrokenPoolError('The pool was terminated');
    const failed = this.phase.failure;
    this.phase.terminate(error);
    if (!failed) this.failPending(error);
    await this.host.terminate();
    this.host.dispose?.();
  }

  private async shutdown(): Promise<void> {
    if (!this.phase.failure) await this.book.whenEmpty();
    await this.seats.ready();
    if (this.phase.failure) {
      await this.host.terminate();
    } else {
      this.host.ref();
      const ends: Promise<number>[] = [];
      for (let rank = 1; rank <= this.size; rank++) {
        ends.push(this.host.exited(rank));
        this.comm.isend(null, rank, TASK_TAG).then(undefined, () => undefined);
      }
      await Promise.all(ends);
    }
    this.host.dispose?.();
    this.phase.closed();
  }

  /** The submission's queued calls are dropped and running ones stopped with their worker. */
  private stopBatch(batch: Batch, err: Error): void {
    const stopped = [...batch.chunks];
    const replace = new Set<number>();
    for (const chunk of stopped) {
      const s = chunk.state;
      // A rank of a communicator cannot be ended: its call is let go, its result dropped.
      if ((s.kind === 'sent' || s.kind === 'running') && !this.seats.withdraw(chunk) && this.host.canReplace) replace.add(s.worker);
      this.book.forget(chunk);
    }
    for (const rank of replace) this.turnover.replace(rank);
    for (const chunk of stopped) for (const f of chunk.futures) f.setException(err);
    this.pump();
  }

  /** Sends what the idle workers may take now; then waits for results if some are awaited. */
  private pump(): void {
    while (this.book.queued > 0 && !this.phase.failure) {
      const best = this.seats.pick(this.book.queued);
      if (best === 0) break;
      const chunk = this.book.next();
      if (!chunk) break;
      this.seats.hold(chunk, best);
      this.dispatch.add(chunk, best);
    }
    this.dispatch.flush();
    this.results.listen();
    this.checkDrained();
  }

  private outstanding(): boolean {
    return this.book.size > 0 || this.seats.holding();
  }

  /** Withdraws a lone call its worker holds and has not started; false if it may have. */
  private withdrawOne(chunk: Chunk): boolean {
    if (chunk.futures.length !== 1 || !this.seats.withdraw(chunk)) return false;
    this.book.forget(chunk);
    queueMicrotask(() => this.pump());
    return true;
  }

  private take(replies: ResultMessage[]): void {
    for (const reply of replies) this.settle(decodeReply(reply));
    this.turnover.retireSpent(this.phase.stopping ? this.book.queued : Infinity);
    this.pump();
  }

  private settle(reply: Reply): void {
    if (reply.kind === 'skipped') {
      // A worker skipped a withdrawn chunk (it may take another), or one rank 0 did not
      // get to withdraw: that one runs again, first.
      const again = this.seats.skipped(reply.id);
      if (again) this.book.putBack([again]);
      return;
    }
    // None when stopped, failed or let go meanwhile: the result is dropped. A queued one: a
    // replaced worker's result for a chunk queued again since.
    const chunk = this.book.get(reply.id);
    if (!chunk) return;
    this.book.forget(chunk);
    settleChunk(chunk, reply);
  }

  private checkDrained(): void {
    this.book.checkEmpty();
    // Nothing left to hear (the last calls were stopped or withdrawn): a receive left
    // waiting would hold the transport awake, and so the process alive, forever.
    if (!this.outstanding()) this.results.cancel();
  }

  private fail(err: BrokenPoolError): void {
    const was = this.phase.fail(err);
    if (was === undefined) return;
    this.failPending(err);
    // Closing, shutdown() ends the workers once it sees the failure.
    if (was === 'open') void this.host.terminate();
  }

  /** Every awaited call fails with `err`; nothing more is sent or heard. */
  private failPending(err: BrokenPoolError): void {
    for (const chunk of this.book.forgetAll()) for (const f of chunk.futures) f.setException(err);
    this.results.cancel();
    this.book.checkEmpty();
  }
}
