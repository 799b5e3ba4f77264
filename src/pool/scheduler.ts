import { availableParallelism } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { Communicator } from '../comm/communicator.ts';
import { BrokenPoolError } from '../errors.ts';
import { forwardSetup } from '../launch/hub.ts';
import { createControl } from '../transport/threads/control.ts';
import type { RankInit, ToLauncher } from '../transport/threads/messages.ts';
import { ThreadsTransport } from '../transport/threads/transport.ts';
import { Future } from './future.ts';
import { RESULT, TASK, rebuildError, type ResultMessage, type TaskMessage } from './protocol.ts';
import type { Task } from './tasks.ts';

const entry = new URL('./worker.js', import.meta.url);
/** Chunks a worker may hold at once: the next is already there when one finishes. */
const DEPTH = 2;

interface Chunk {
  id: number;
  task: Task;
  calls: unknown[][];
  futures: Future[];
  worker: number;
}

/**
 * A pool's world: this thread is rank 0 and schedules chunks of calls to the worker
 * ranks over the threads transport's rings (no postMessage per task), keeping DEPTH
 * chunks in flight per worker. A worker that dies breaks the pool: every pending future
 * rejects with BrokenPoolError, and so does every later submit.
 */
export class Scheduler {
  readonly size: number;
  private readonly comm: Communicator;
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly queue: Chunk[] = [];
  private readonly running = new Map<number, Chunk>();
  private readonly load: number[];
  private nextId = 1;
  private receiving = false;
  private broken: BrokenPoolError | undefined;
  private stopping = false;
  private exited = 0;
  private readonly cancelWaits = new AbortController();
  private drained: (() => void)[] = [];
  private readonly allExited: Promise<void>;
  private onAllExited!: () => void;

  constructor(size = availableParallelism()) {
    this.size = size;
    const control = createControl(size + 1);
    const ctl = new Int32Array(control);
    const jobId = `pool-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    this.load = new Array<number>(size + 1).fill(0);
    this.allExited = new Promise((resolve) => (this.onAllExited = resolve));
    const hub = (m: ToLauncher): void => void forwardSetup(m, this.ports, ctl);
    // Rank 0 is this thread: its transport reads its end of the channel synchronously.
    const zero = new MessageChannel();
    zero.port2.on('message', hub);
    zero.port2.unref();
    this.ports.push(zero.port2);
    const transport = new ThreadsTransport({ rank: 0, size: size + 1, control, port: zero.port1, spinMicros: 50, napMicros: 0 });
    this.comm = new Communicator(transport, 0);
    for (let rank = 1; rank <= size; rank++) {
      const { port1, port2 } = new MessageChannel();
      const init: RankInit = { jobId, rank, size: size + 1, control, port: port2, script: entry.href, tagOutput: false };
      const w = new Worker(entry, { workerData: { ranks: init }, transferList: [port2], name: `pool worker ${rank}` });
      port1.on('message', hub);
      port1.unref();
      w.on('error', (err) => this.fail(new BrokenPoolError(`A pool worker failed: ${(err as Error)?.message ?? String(err)}`, { cause: err })));
      w.on('exit', (code) => {
        if (!this.stopping) this.fail(new BrokenPoolError(`A pool worker exited with code ${code} while the pool was open`));
        if (++this.exited === size) this.onAllExited();
      });
      // Idle workers never keep the process alive; pending results do (rank 0's waits).
      w.unref();
      this.workers.push(w);
      this.ports.push(port1);
    }
  }

  /** Futures for calls of `task`, queued in chunks of `chunksize`. */
  submit<R>(task: Task, calls: unknown[][], chunksize = 1): Future<R>[] {
    const futures = calls.map(() => new Future<R>());
    if (this.broken || this.stopping) {
      const err = this.broken ?? new BrokenPoolError('The pool is closed to new tasks');
      for (const f of futures) f.setException(err);
      return futures;
    }
    for (let i = 0; i < calls.length; i += chunksize) {
      const chunk: Chunk = { id: this.nextId++, task, calls: calls.slice(i, i + chunksize), futures: futures.slice(i, i + chunksize) as Future[], worker: 0 };
      for (const f of chunk.futures) {
        f.canceller = () => {
          // A queued call can be withdrawn; it stays in its chunk but is skipped on settle.
          return this.queue.includes(chunk);
        };
      }
      this.queue.push(chunk);
    }
    this.pump();
    return futures;
  }

  /** Stops taking tasks; resolves when every queued task has run and the workers have ended. */
  async close(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      if (this.queue.length + this.running.size > 0 && !this.broken) await new Promise<void>((r) => this.drained.push(r));
      for (let rank = 1; rank <= this.size; rank++) this.comm.isend(null, rank, { tag: TASK });
      for (const w of this.workers) w.ref();
    }
    await this.allExited;
  }

  /** Ends the workers now; pending futures reject with BrokenPoolError. */
  async terminate(): Promise<void> {
    this.stopping = true;
    this.fail(new BrokenPoolError('The pool was terminated'));
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let best = 1;
      for (let r = 2; r <= this.size; r++) if (this.load[r]! < this.load[best]!) best = r;
      // Prefetch a second chunk only when there is plenty queued: a lone task waits for
      // an idle worker instead of queueing behind a long one.
      if (this.load[best]! >= (this.queue.length > this.size ? DEPTH : 1)) break;
      const chunk = this.queue.shift()!;
      const live = chunk.futures.filter((f) => f.setRunning());
      if (live.length === 0) continue;
      if (live.length !== chunk.futures.length) {
        chunk.calls = chunk.calls.filter((_, i) => !chunk.futures[i]!.cancelled());
        chunk.futures = live;
      }
      chunk.worker = best;
      const msg: TaskMessage = [chunk.id, chunk.task.module ?? null, chunk.task.name, chunk.calls];
      this.load[best]!++;
      this.running.set(chunk.id, chunk);
      // An argument that cannot be cloned rejects its own futures only.
      this.comm.isend(msg, best, { tag: TASK }).then(undefined, (err: unknown) => {
        if (!this.running.delete(chunk.id)) return;
        this.load[best]!--;
        for (const f of chunk.futures) f.setException(err);
        this.pump();
        if (this.queue.length + this.running.size === 0) for (const d of this.drained.splice(0)) d();
      });
    }
    if (this.running.size > 0 && !this.receiving) void this.receive();
  }

  private async receive(): Promise<void> {
    this.receiving = true;
    try {
      while (this.running.size > 0 && !this.broken) {
        const [id, outcomes] = await this.comm.recv<ResultMessage>({ tag: RESULT, signal: this.cancelWaits.signal });
        const chunk = this.running.get(id);
        if (!chunk) continue;
        this.running.delete(id);
        this.load[chunk.worker]!--;
        outcomes.forEach((o, i) => {
          const f = chunk.futures[i]!;
          if (o[0] === 1) f.setResult(o[1]);
          else f.setException(rebuildError(o[1]));
        });
        this.pump();
        if (this.queue.length + this.running.size === 0) for (const d of this.drained.splice(0)) d();
      }
    } catch (err) {
      if (this.broken) return;
      this.fail(new BrokenPoolError(`The pool lost its workers' results: ${(err as Error).message}`, { cause: err }));
    } finally {
      this.receiving = false;
    }
  }

  private fail(err: BrokenPoolError): void {
    if (this.broken) return;
    this.broken = err;
    for (const chunk of [...this.queue, ...this.running.values()]) for (const f of chunk.futures) f.setException(err);
    this.queue.length = 0;
    this.running.clear();
    this.cancelWaits.abort(err);
    for (const d of this.drained.splice(0)) d();
    if (!this.stopping) {
      this.stopping = true;
      void Promise.all(this.workers.map((w) => w.terminate()));
    }
  }
}
