// The first module of every pool worker: a rank of the pool's world that runs task
// chunks sent by rank 0 (the scheduler) and sends back one outcome per call.
import { serialize } from 'node:v8';
import { findUnclonable } from '../codec/clone-path.ts';
import { world } from '../comm/world.ts';
import { explainInline, loadTask, type Fn } from './load.ts';
import { describeError, RESULT, TASK, type Outcome, type TaskMessage } from './protocol.ts';

async function run(msg: TaskMessage): Promise<Outcome[]> {
  const [, module, name, calls] = msg;
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

const comm = world();

function cloneable(v: unknown): boolean {
  try {
    serialize(v);
    return true;
  } catch {
    return false;
  }
}

for (;;) {
  const msg = await comm.recv<TaskMessage | null>({ source: 0, tag: TASK });
  if (msg === null) break;
  const outcomes = await run(msg);
  try {
    await comm.send([msg[0], outcomes], 0, { tag: RESULT });
  } catch {
    // A result that cannot be cloned rejects its own call only.
    const checked = outcomes.map((o): Outcome => (o[0] === 1 && !cloneable(o[1]) ? [0, describeError(unsendable(o[1]), cloneable)] : o));
    await comm.send([msg[0], checked], 0, { tag: RESULT });
  }
}

function unsendable(result: unknown): TypeError {
  const hit = findUnclonable(result, 'result');
  return new TypeError(`The task's result cannot be sent back: ${hit ? `${hit.path} is ${hit.what}` : 'it is not cloneable'}`);
}
