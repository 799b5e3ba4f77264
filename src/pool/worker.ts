// The first module of every pool worker: a rank of the pool's world that runs task
// chunks sent by rank 0 (the scheduler) and sends back one outcome per call.
import { serialize } from 'node:v8';
import { findUnclonable } from '../codec/clone-path.ts';
import { world } from '../comm/world.ts';
import { describeError, RESULT, TASK, type Outcome, type TaskMessage } from './protocol.ts';

type Fn = (...args: unknown[]) => unknown;

const comm = world();
const loaded = new Map<string, Fn>();
let tsx: Promise<unknown> | undefined;

function cloneable(v: unknown): boolean {
  try {
    serialize(v);
    return true;
  } catch {
    return false;
  }
}

async function load(module: string | null, name: string): Promise<Fn> {
  const key = `${module ?? ''}#${name}`;
  let fn = loaded.get(key);
  if (fn) return fn;
  if (module === null) {
    fn = new Function(`return (${name});`)() as Fn;
  } else {
    if (/\.[cm]?tsx?$/.test(module)) tsx ??= import('tsx/esm/api').then((m) => m.register());
    await tsx;
    const mod = (await import(module)) as Record<string, unknown>;
    const f = mod[name];
    if (typeof f !== 'function') throw new TypeError(`${module} has no exported function \`${name}\``);
    fn = f as Fn;
  }
  loaded.set(key, fn);
  return fn;
}

// An inline function that reads a variable from where it was written fails here, where
// only its source arrived: say so, and what to do instead.
function explain(err: unknown, inline: boolean): unknown {
  if (inline && err instanceof ReferenceError && /is not defined/.test(err.message)) {
    err.message = `${err.message}: an inline task runs in a worker from its source alone, so it cannot use variables from outside its own body; pass them as arguments, or export the function from a module and use tasks()`;
  }
  return err;
}

async function run(msg: TaskMessage): Promise<Outcome[]> {
  const [, module, name, calls] = msg;
  const out: Outcome[] = [];
  let fn: Fn;
  try {
    fn = await load(module, name);
  } catch (err) {
    const e = describeError(err, cloneable);
    return calls.map(() => [0, e]);
  }
  for (const args of calls) {
    try {
      out.push([1, await fn(...args)]);
    } catch (err) {
      out.push([0, describeError(explain(err, module === null), cloneable)]);
    }
  }
  return out;
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
