// What every pool worker does, thread or process: a rank of the pool's world that runs
// task chunks sent by rank 0 (the scheduler) and sends back one outcome per call.
import { serialize } from 'node:v8';
import { findUnclonable } from '../codec/clone-path.ts';
import type { Communicator } from '../comm/communicator.ts';
import { revive } from '../sync/share.ts';
import { claimedSlot, vetoSlot, type ClaimFlags } from './flags.ts';
import { explainInline, loadTask, type Fn } from './load.ts';
import { BYE, describeError, RESULT, SAME_TASK, TASK, type ChunkOutcome, type Outcome, type ResultMessage, type TaskMessage } from './protocol.ts';

/** The initializer a worker runs once, before any task. */
export type WorkerInit = { module: string | null; name: string; args: unknown[] } | null;

// The task of the previous chunk: a run of chunks of one task finds it without a trip
// through the (async) loader.
let lastKey = '';
let lastFn: Fn | undefined;

async function run(module: string | null, name: string, calls: unknown[][]): Promise<ChunkOutcome> {
  const key = `${module ?? ''}#${name}`;
  let fn = key === lastKey ? lastFn : undefined;
  if (!fn) {
    try {
      fn = await loadTask(module, name);
    } catch (err) {
      const e = describeError(err, cloneable);
      return calls.map(() => [0, e]);
    }
    lastKey = key;
    lastFn = fn;
  }
  const values: unknown[] = [];
  let out: Outcome[] | undefined;
  for (const args of calls) {
    try {
      // Only a promise is awaited: a plain result costs no microtask turn.
      const value = fn(...args);
      const v = isThenable(value) ? await value : value;
      if (out) out.push([1, v]);
      else values.push(v);
    } catch (err) {
      out ??= values.map((v): Outcome => [1, v]);
      out.push([0, describeError(explainInline(err, module === null), cloneable)]);
    }
  }
  return out ?? { values };
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

function unsendable(result: unknown): TypeError {
  const hit = findUnclonable(result, 'result');
  return new TypeError(`The task's result cannot be sent back: ${hit ? `${hit.path} is ${hit.what}` : 'it is not cloneable'}`);
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
      await (await loadTask(init.module, init.name))(...revive<unknown[]>(init.args));
    } catch (err) {
      if (err instanceof Error) err.message = `The pool's initializer failed: ${err.message}`;
      throw err;
    }
  }
  // Replies are gathered and sent at the end of a batch, or once a millisecond has passed.
  const replies: ResultMessage[] = [];
  let lastFlush = 0;
  const flush = async (): Promise<void> => {
    lastFlush = performance.now();
    if (replies.length === 0) return;
    const out = replies.splice(0);
    try {
      await comm.send(out, 0, { tag: RESULT });
    } catch {
      // A result that cannot be cloned rejects its own call only.
      const checked = out.map(([id, outcomes, values]): ResultMessage => {
        const all = values ? values.map((v): Outcome => [1, v]) : outcomes;
        return [id, all && all.map((o): Outcome => (o[0] === 1 && !cloneable(o[1]) ? [0, describeError(unsendable(o[1]), cloneable)] : o))];
      });
      await comm.send(checked, 0, { tag: RESULT });
    }
  };
  let module: string | null = null;
  let name = '';
  for (;;) {
    const batch = await comm.recv<TaskMessage[] | null>({ source: 0, tag: TASK });
    if (batch === null) break;
    lastFlush = performance.now();
    for (const msg of batch) {
      const [id, seq] = msg;
      // A chunk of the previous chunk's task names none (see taskMessage).
      if (msg[3] !== SAME_TASK) [, , module, name] = msg;
      // Claim the chunk; rank 0 may have withdrawn it before it started (see flags.ts).
      flags.store(claimedSlot(rank), seq);
      if (flags.load(vetoSlot(rank, seq)) === seq) {
        replies.push([id, null]);
        continue;
      }
      const calls = msg[4] ?? revive<unknown[][]>(sideCalls());
      const done = await run(module, name, calls);
      replies.push(Array.isArray(done) ? [id, done] : [id, null, done.values]);
      if (performance.now() - lastFlush > 1) await flush();
    }
    await flush();
  }
  if (options?.bye) await comm.send(null, 0, { tag: BYE });
}
