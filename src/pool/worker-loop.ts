// What every pool worker does, thread or process: a rank of the pool's world that runs
// task chunks sent by rank 0 (the scheduler) and sends back one outcome per call.
import { serialize } from 'node:v8';
import { findUnclonable } from '../codec/clone-path.ts';
import { DataCloneError } from '../errors.ts';
import type { Communicator } from '../comm/communicator.ts';
import { revive } from '../sync/revivable.ts';
import { recording } from '../trace/recorder.ts';
import { claimedSlot, vetoSlot, type ClaimFlags } from './flags.ts';
import { explainInline, loadTask, type Fn } from './load.ts';
import { callAt, callCount, packValues, unpackCalls, type PackedCalls } from './packed-calls.ts';
import { BYE, describeError, RESULT, SAME_TASK, TASK, type ChunkOutcome, type Outcome, type ResultMessage, type TaskMessage } from './protocol.ts';

const TASK_FROM_ZERO = { source: 0, tag: TASK } as const;
const RESULT_TAG = { tag: RESULT } as const;

/** The initializer a worker runs once, before any task. */
export type WorkerInit = { module: string | null; name: string; args: unknown[] } | null;

// The task of the previous chunk: a run of chunks of one task finds it without a trip
// through the (async) loader.
let lastModule: string | null = null;
let lastName = '';
let lastFn: Fn | undefined;

/**
 * The chunk's outcomes: at once when the task is the previous chunk's and no call returns
 * a promise (tiny tasks then cost no promise and no microtask turn), else a promise.
 */
function run(module: string | null, name: string, calls: unknown[][] | PackedCalls): ChunkOutcome | Promise<ChunkOutcome> {
  const fn = module === lastModule && name === lastName ? lastFn : undefined;
  if (!fn) return load(module, name, unpackCalls(calls));
  const values: unknown[] = [];
  const n = callCount(calls);
  for (let i = 0; i < n; i++) {
    let value: unknown;
    try {
      value = callAt(fn, calls, i);
    } catch (err) {
      return finish(fn, module, unpackCalls(calls), i, values, Promise.resolve(failure(err, module)));
    }
    if (isThenable(value)) return finish(fn, module, unpackCalls(calls), i, values, outcomeOf(value, module));
    values.push(value);
  }
  return { values };
}

async function load(module: string | null, name: string, calls: unknown[][]): Promise<ChunkOutcome> {
  let fn: Fn;
  try {
    fn = await loadTask(module, name);
  } catch (err) {
    const e = describeError(err, cloneable);
    return calls.map(() => [0, e]);
  }
  lastModule = module;
  lastName = name;
  lastFn = fn;
  return finish(fn, module, calls, 0, [], undefined);
}

/** The chunk from call `i` on (whose outcome is `first` when given), after the calls that gave `values`. */
async function finish(
  fn: Fn,
  module: string | null,
  calls: unknown[][],
  i: number,
  values: unknown[],
  first: Promise<Outcome> | undefined,
): Promise<ChunkOutcome> {
  let out: Outcome[] | undefined;
  for (; i < calls.length; i++) {
    const outcome = first ? await first : await outcomeOf(callOf(fn, calls[i]!), module);
    first = undefined;
    if (outcome[0] === 1 && !out) values.push(outcome[1]);
    else (out ??= values.map((v): Outcome => [1, v])).push(outcome);
  }
  return out ?? { values };
}

/** `fn(...args)`, or a rejected promise if it throws. */
function callOf(fn: Fn, args: unknown[]): unknown {
  try {
    return fn(...args);
  } catch (err) {
    return Promise.reject(err);
  }
}

async function outcomeOf(value: unknown, module: string | null): Promise<Outcome> {
  try {
    return [1, await value];
  } catch (err) {
    return failure(err, module);
  }
}

function failure(err: unknown, module: string | null): Outcome {
  // The failing call's task is the last one loaded (chunks run one at a time).
  return [0, describeError(explainInline(err, module === null ? lastName : null), cloneable)];
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function cloneable(v: unknown): boolean {
  try {
    serialize(v);
    return true;
  } catch {
    return false;
  }
}

/** Why a task's result cannot go back: a DataCloneError (as for sends) whose path is the user's (`result.handler`). */
function unsendable(result: unknown): DataCloneError {
  const hit = findUnclonable(result, 'result');
  return new DataCloneError(hit?.path ?? 'result', hit?.what ?? 'the value');
}

/**
 * Runs the initializer, then chunks until rank 0 sends `null`. `sideCalls` gives the
 * argument lists of a chunk that came beside the transport (they hold shared memory).
 * If the initializer throws, the worker dies with a message saying so, and the pool is broken.
 * With `bye`, the worker tells rank 0 when it has left (a rank of a communicator's pool,
 * whose end rank 0 cannot watch).
 */
export async function serve(comm: Communicator, flags: ClaimFlags, init: WorkerInit, sideCalls: () => unknown[][], options?: { bye?: boolean }): Promise<void> {
  const rank = comm.rank;
  if (init) {
    try {
      await (
        await loadTask(init.module, init.name)
      )(...revive<unknown[]>(init.args));
    } catch (err) {
      if (err instanceof Error) err.message = `The pool's initializer failed: ${err.message}`;
      throw err;
    }
  }
  // Replies are gathered and sent at the end of a batch, or once a millisecond has passed.
  const replies: ResultMessage[] = [];
  let lastFlush = 0;
  // A result that cannot be cloned rejects its own call only.
  const resend = (out: ResultMessage[]): Promise<void> => {
    const checked = out.map(([id, outcomes, values]): ResultMessage => {
      const all = values ? Array.from(values, (v): Outcome => [1, v]) : outcomes;
      return [id, all && all.map((o): Outcome => (o[0] === 1 && !cloneable(o[1]) ? [0, describeError(unsendable(o[1]), cloneable)] : o))];
    });
    return comm.send(checked, 0, RESULT_TAG);
  };
  // Sends the replies; a promise only while the send waits for room in the ring (the
  // message is encoded by then, so the array is free again).
  const flush = (): Promise<void> | undefined => {
    lastFlush = performance.now();
    if (replies.length === 0) return undefined;
    const req = comm.isend(replies, 0, RESULT_TAG);
    if (req.done) {
      try {
        req.test();
      } catch {
        return resend(replies.splice(0));
      }
      replies.length = 0;
      return undefined;
    }
    replies.length = 0;
    return req.then(() => undefined);
  };
  let module: string | null = null;
  let name = '';
  for (;;) {
    const batch = await comm.recv<TaskMessage[] | null>(TASK_FROM_ZERO);
    if (batch === null) break;
    lastFlush = performance.now();
    for (const msg of batch) {
      const id = msg[0];
      const seq = msg[1];
      // A chunk of the previous chunk's task names none (see taskMessage).
      if (msg[3] !== SAME_TASK) {
        module = msg[2];
        name = msg[3];
      }
      // Claim the chunk; rank 0 may have withdrawn it before it started (see flags.ts).
      flags.store(claimedSlot(rank), seq);
      if (flags.load(vetoSlot(rank, seq)) === seq) {
        replies.push([id, null]);
        continue;
      }
      const calls = msg[4] ?? revive<unknown[][]>(sideCalls());
      const span = recording?.begin('task', 'task', { fn: name, items: callCount(calls), chunk: id });
      const ran = run(module, name, calls);
      const done = ran instanceof Promise ? await ran : ran;
      if (span) recording?.end(span);
      replies.push(Array.isArray(done) ? [id, done] : [id, null, packValues(done.values)]);
      if (performance.now() - lastFlush > 1) {
        const sending = flush();
        if (sending) await sending;
      }
    }
    const sending = flush();
    if (sending) await sending;
  }
  if (options?.bye) await comm.send(null, 0, { tag: BYE });
}
