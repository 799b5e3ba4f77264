// A fake world for a pool's scheduler (see test/pool-scheduler.test.ts): a link that
// records what rank 0 sends and delivers the replies a test writes, a host whose workers
// start, end and die when the test says, and the fake workers' side of the claim flags.
import assert from 'node:assert/strict';
import { Request } from '../src/comm/request.ts';
import { DataCloneError } from '../src/errors.ts';
import { NO_FLAGS, SharedFlags, claimedSlot, vetoSlot, type ClaimFlags } from '../src/pool/flags.ts';
import type { WorkerHost } from '../src/pool/host.ts';
import { unpackCalls } from '../src/pool/packed-calls.ts';
import { RESULT, SAME_TASK, TASK, type ResultMessage, type TaskMessage } from '../src/pool/protocol.ts';
import { Scheduler } from '../src/pool/scheduler.ts';
import type { Task } from '../src/pool/tasks.ts';
import type { PoolLink, WorldFactory } from '../src/pool/world.ts';
import { TransportOp } from '../src/transport/op.ts';

export const MODULE = 'file:///fake/tasks.js';
export const square: Task = { module: MODULE, name: 'square' };
export const add: Task = { module: MODULE, name: 'add' };
const FNS: Record<string, (...args: number[]) => number> = { square: (x) => x * x, add: (a, b) => a + b };

/** Lets the scheduler do all it can now: every promise and microtask it started settles first. */
export const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The world a scheduler is given: the link to its workers and their host, both fake, and the fake workers' side. */
export class FakeWorld {
  /** What the host was asked, in order. */
  readonly log: string[] = [];
  /** Every message rank 0 sent: [dest, tag, value (a copy)]. */
  readonly sent: [number, number, unknown][] = [];
  readonly size: number;
  readonly flags: ClaimFlags;
  readonly factory: WorldFactory;
  private readonly inbox: ResultMessage[][] = [];
  private receive: TransportOp<ResultMessage[]> | undefined;
  private onDeath: ((rank: number, err: Error) => void) | undefined;
  private readonly ends = new Map<number, () => void>();
  /** Per rank: how many of the chunks sent to it the fake worker has taken, and the task it last ran. */
  private readonly taken = new Map<number, number>();
  private readonly lastTask = new Map<number, string>();

  /** `canReplace` false: ranks it cannot end, and no claim flags (a communicator's). */
  constructor(size: number, canReplace = true) {
    this.size = size;
    this.flags = canReplace ? SharedFlags.create(size) : NO_FLAGS;
    const link = this.link();
    const host = this.host(canReplace);
    this.factory = (onDeath) => {
      this.onDeath = onDeath;
      return { size, comm: link, host, reset: (rank) => void this.log.push(`reset ${rank}`) };
    };
  }

  private link(): PoolLink {
    return {
      isend: (value, dest, options) => {
        const op = new TransportOp<void>();
        let copy: unknown;
        try {
          copy = structuredClone(value);
        } catch {
          op.reject(new DataCloneError('value', 'a function'));
          return new Request(op);
        }
        this.sent.push([dest, options.tag, copy]);
        if (value === null) this.ends.get(dest)?.();
        op.resolve();
        return new Request(op);
      },
      irecv: <T>(options: { tag: number }) => {
        assert.equal(options.tag, RESULT);
        const op = new TransportOp<ResultMessage[]>();
        const ready = this.inbox.shift();
        if (ready) op.resolve(ready);
        else {
          op.canceller = () => {
            this.receive = undefined;
            return true;
          };
          this.receive = op;
        }
        return new Request(op) as unknown as Request<T>;
      },
    };
  }

  private host(canReplace: boolean): WorkerHost {
    return {
      flags: this.flags,
      sharesMemory: true,
      canReplace,
      postSide: (rank) => void this.log.push(`postSide ${rank}`),
      ref: () => void this.log.push('ref'),
      exited: (rank) => {
        this.log.push(`exited ${rank}`);
        return new Promise((resolve) => this.ends.set(rank, () => resolve(0)));
      },
      replace: async (rank, stop = true) => {
        this.log.push(`replace ${rank}${stop ? '' : ' (stopped already)'}`);
        this.flags.clear(rank);
        this.taken.set(rank, this.tasks(rank).length);
      },
      terminate: async () => void this.log.push('terminate'),
      dispose: () => void this.log.push('dispose'),
    };
  }

  /** How many chunks sent to `rank` its fake worker has not taken yet. */
  untaken(rank: number): number {
    return this.tasks(rank).length - (this.taken.get(rank) ?? 0);
  }

  /** The chunks sent to `rank`, in order, over every message. */
  tasks(rank: number): TaskMessage[] {
    return this.sent.filter(([d, t, v]) => d === rank && t === TASK && v !== null).flatMap(([, , v]) => v as TaskMessage[]);
  }

  /** [id, seq] of the chunks sent to `rank`, in order. */
  ids(rank: number): [number, number][] {
    return this.tasks(rank).map((m) => [m[0], m[1]]);
  }

  /** Whether rank 0 has a receive of results posted. */
  get listening(): boolean {
    return this.receive !== undefined;
  }

  /** A message of replies from a worker reaches rank 0. */
  deliver(replies: ResultMessage[]): void {
    const op = this.receive;
    this.receive = undefined;
    if (op) op.resolve(replies);
    else this.inbox.push(replies);
  }

  /**
   * The fake worker `rank` takes its next `n` chunks as the real one does (claims each,
   * skips one vetoed), runs them and sends the replies in one message; returns their ids.
   */
  work(rank: number, n = 1): number[] {
    const replies: ResultMessage[] = [];
    for (let i = 0; i < n; i++) replies.push(this.runNext(rank));
    this.deliver(replies);
    return replies.map((r) => r[0]);
  }

  /** The worker claims its next chunk, and says whether rank 0 had vetoed it (then it skips it). */
  claimNext(rank: number): { msg: TaskMessage; vetoed: boolean } {
    const index = this.taken.get(rank) ?? 0;
    const msg = this.tasks(rank)[index];
    assert.ok(msg, `worker ${rank} has a chunk to take`);
    this.taken.set(rank, index + 1);
    this.flags.store(claimedSlot(rank), msg[1]);
    return { msg, vetoed: this.flags.load(vetoSlot(rank, msg[1])) === msg[1] };
  }

  /** Runs a claimed chunk: its reply (every call succeeded: values alone). */
  reply(rank: number, msg: TaskMessage): ResultMessage {
    if (msg[3] !== SAME_TASK) this.lastTask.set(rank, msg[3]);
    const fn = FNS[this.lastTask.get(rank)!]!;
    return [msg[0], null, unpackCalls(msg[4])!.map((args) => fn(...(args as number[])))];
  }

  private runNext(rank: number): ResultMessage {
    const { msg, vetoed } = this.claimNext(rank);
    return vetoed ? [msg[0], null] : this.reply(rank, msg);
  }

  /** Worker `rank` dies unasked. */
  die(rank: number): void {
    this.onDeath!(rank, new Error(`Pool worker ${rank} exited with code 3 while the pool was open`));
  }
}

/** A scheduler over a fake world of `size` workers. */
export function setup(size: number, options: { maxTasksPerWorker?: number; canReplace?: boolean } = {}): { fake: FakeWorld; scheduler: Scheduler } {
  const fake = new FakeWorld(size, options.canReplace);
  return { fake, scheduler: new Scheduler(fake.factory, { maxTasksPerWorker: options.maxTasksPerWorker }) };
}
