// The ranks side of the collectives family: bcast of float64s on the typed path
// (Float64Array) and on the object path (number[], the same call), allreduce(SUM) of a
// Float64Array (into a new array, and into a preallocated one), and barrier. Run as `ranks run -n N coll-ranks.ts <coll plan args>`; rank 0
// prints JSON. Timed like coll.py and coll.c (see measureOp).
import { SUM, world, wtime } from 'ranks';
import { parseCollPlanArgs } from './coll-plan.ts';
import type { CollOutput, OpSamples } from './types.ts';

const SAMPLES_TAG = 1;
const MAX_TAG = 2;

const comm = world();
const plan = parseCollPlanArgs(process.argv.slice(2));
const ctrl = new Float64Array(1);

/** Rank 0's `value` on every rank (untimed control traffic, on the typed bcast path). */
async function fromRoot(value: number): Promise<number> {
  ctrl[0] = value;
  await comm.bcast(ctrl, 0);
  return ctrl[0] ?? 0;
}

/** On rank 0: the largest `value` of any rank (untimed control traffic, point-to-point); elsewhere: `value`. */
async function maxAtRoot(value: number): Promise<number> {
  const box = new Float64Array([value]);
  if (comm.rank !== 0) {
    await comm.send(box, 0, { tag: MAX_TAG });
    return value;
  }
  let max = value;
  for (let src = 1; src < comm.size; src++) {
    await comm.recv({ source: src, tag: MAX_TAG, into: box });
    max = Math.max(max, box[0] ?? 0);
  }
  return max;
}

/** This rank's seconds for `n` back-to-back operations, started right after a barrier. */
async function timed(op: () => Promise<unknown>, n: number): Promise<number> {
  await comm.barrier();
  const t0 = wtime();
  for (let i = 0; i < n; i++) await op();
  return wtime() - t0;
}

/**
 * Times `op` the same way coll.py and coll.c do. Warm-up: batches that double (rank 0
 * decides, from the slowest rank's time: a bcast root may finish long before the others)
 * until one lasts half the target time and `plan.warmSec` have passed; the operations per
 * repeat follow from the fastest warm-up operation (and an operation slower than
 * `plan.slowSec` gets only `plan.slowRepeats` repeats). Each repeat starts
 * with a barrier, then every rank times its own `iters` operations; the repeat's figure is
 * the slowest rank's time / iters, i.e. until the operation has finished on every rank
 * (rank 0 gathers the per-rank times after the last repeat, untimed).
 */
async function measureOp(name: string, elements: number, op: () => Promise<unknown>): Promise<OpSamples> {
  let n = 1;
  let warm = 0;
  let best = Infinity;
  for (;;) {
    const dt = await maxAtRoot(await timed(op, n));
    warm += dt;
    best = Math.min(best, dt / n);
    const done = warm >= plan.warmSec && dt >= plan.targetSec / 2;
    const next = await fromRoot(done ? 0 : dt < plan.targetSec / 2 ? n * 2 : n);
    if (next === 0) break;
    n = next;
  }
  const iters = await fromRoot(Math.max(1, Math.round(plan.targetSec / best)));
  const repeats = await fromRoot(best > plan.slowSec ? Math.min(plan.slowRepeats, plan.repeats) : plan.repeats);
  const local = new Float64Array(repeats);
  for (let r = 0; r < repeats; r++) local[r] = ((await timed(op, iters)) / iters) * 1e6;
  if (comm.rank !== 0) {
    await comm.send(local, 0, { tag: SAMPLES_TAG });
    return { op: name, elements, iters, samples: [] };
  }
  const other = new Float64Array(repeats);
  for (let src = 1; src < comm.size; src++) {
    await comm.recv({ source: src, tag: SAMPLES_TAG, into: other });
    for (let r = 0; r < repeats; r++) local[r] = Math.max(local[r] ?? 0, other[r] ?? 0);
  }
  return { op: name, elements, iters, samples: Array.from(local) };
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`rank ${comm.rank}/${comm.size}: wrong result: ${what}`);
}

const root = comm.rank === 0;
const nb = plan.bcastElements;
const na = plan.allreduceElements;
const ops: OpSamples[] = [];

// bcast, typed path: rank 0 sends a Float64Array, the others pass a preallocated one that is filled in place.
const typed = new Float64Array(nb);
if (root) for (let i = 0; i < nb; i++) typed[i] = i + 0.5;
const gotTyped = await comm.bcast(typed, 0);
check(gotTyped === typed || root, 'bcast(Float64Array) on a non-root did not return the array it passed');
check(typed[0] === 0.5 && typed[nb - 1] === nb - 0.5 && typed[nb >> 1] === (nb >> 1) + 0.5, 'bcast(Float64Array) contents');
ops.push(await measureOp('bcast-typed', nb, () => comm.bcast(typed, 0)));

// bcast, object path: the same call with a plain number[] on rank 0 and undefined elsewhere.
// In a function, so its 10^7-element arrays are garbage before the next operations run.
async function objectPath(): Promise<OpSamples> {
  const plain: number[] = [];
  if (root) for (let i = 0; i < nb; i++) plain.push(i + 0.5);
  const got: unknown = await comm.bcast(root ? plain : undefined, 0);
  check(Array.isArray(got) && got.length === nb, 'bcast(number[]) did not return an array of the same length');
  const arr = got as number[];
  check(arr[0] === 0.5 && arr[nb - 1] === nb - 0.5 && arr[nb >> 1] === (nb >> 1) + 0.5, 'bcast(number[]) contents');
  return measureOp('bcast-object', nb, () => comm.bcast(root ? plain : undefined, 0));
}
ops.push(await objectPath());

// allreduce(SUM) of a Float64Array: rank r contributes r + 1 + i at index i.
const x = new Float64Array(na);
for (let i = 0; i < na; i++) x[i] = comm.rank + 1 + i;
const sum: unknown = await comm.allreduce(x, SUM);
const p = comm.size;
check(sum instanceof Float64Array && sum.length === na, 'allreduce(Float64Array, SUM) did not return a Float64Array of the same length');
const s = sum as Float64Array;
check(s[0] === (p * (p + 1)) / 2 && s[na - 1] === (p * (p + 1)) / 2 + p * (na - 1), `allreduce(Float64Array, SUM) contents: [${s[0]}, …, ${s[na - 1]}]`);
ops.push(await measureOp('allreduce', na, () => comm.allreduce(x, SUM)));

// The same into a preallocated result (mpi4py's Allreduce(x, total) form).
const total = new Float64Array(na);
check((await comm.allreduce(x, SUM, { into: total })) === total && total[na - 1] === s[na - 1], 'allreduce(x, SUM, { into }) result');
ops.push(await measureOp('allreduce-into', na, () => comm.allreduce(x, SUM, { into: total })));

ops.push(await measureOp('barrier', 0, () => comm.barrier()));

if (root) {
  const out: CollOutput = { library: `ranks threads transport, Node.js ${process.version}`, ops };
  console.log(JSON.stringify(out));
}
