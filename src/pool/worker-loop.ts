// What every pool worker does, thread or process: a rank of the pool's world that runs
// task chunks sent by rank 0 (the scheduler) and sends back one outcome per call.
import { serialize } from 'node:v8';
import { findUnclonable } from '../codec/clone-path.ts';
import type { Communicator } from '../comm/communicator.ts';
import { revive } from '../sync/share.ts';
import { claimedSlot, vetoSlot, type ClaimFlags } from './flags.ts';
import { explainInline, loadTask, type Fn } from './load.ts';
import { describeError, RESULT, TASK, type Outcome, type TaskMessage } from './protocol.ts';

/** The initializer a worker runs once, before any task. */
export type WorkerInit = { module: string | null; name: string; args: unknown[] } | null;

async function run(module: string | null, name: string, calls: unknown[][]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  let fn: Fn;
  try {
    fn = await loadTask(module, name);
  } catch (err) {
    const e = describeError(err, cloneable);
    return calls.map(() => [0, e]);
  }
  for (const args of calls) {
    try {
      out.push([1, await fn(...args)]);
    } catch (err) {
      out.push([0, describeError(explainInline(err, module === null), cloneable)]);
    }
  }
  return out;
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
 */
export async function serve(comm: Communicator, flags: ClaimFlags, init: WorkerInit, sideCalls: () => unknown[][]): Promise<void> {
  const rank = comm.rank;
  if (init) {
    try {
      await (await loadTask(init.module, init.name))(...revive<unknown[]>(init.args));
    } catch (err) {
      if (err instanceof Error) err.message = `The pool's initializer failed: ${err.message}`;
      throw err;
    }
  }
  for (;;) {
    const msg = await comm.recv<TaskMessage | null>({ source: 0, tag: TASK });
    if (msg === null) break;
    const [id, seq, module, name] = msg;
    // Claim the chunk; rank 0 may have withdrawn it before it started (see flags.ts).
    flags.store(claimedSlot(rank), seq);
    if (flags.load(vetoSlot(rank, seq)) === seq) {
      await comm.send([id, null], 0, { tag: RESULT });
      continue;
    }
    const calls = msg[4] ?? revive<unknown[][]>(sideCalls());
    const outcomes = await run(module, name, calls);
    try {
      await comm.send([id, outcomes], 0, { tag: RESULT });
    } catch {
      // A result that cannot be cloned rejects its own call only.
      const checked = outcomes.map((o): Outcome => (o[0] === 1 && !cloneable(o[1]) ? [0, describeError(unsendable(o[1]), cloneable)] : o));
      await comm.send([id, checked], 0, { tag: RESULT });
    }
  }
}
