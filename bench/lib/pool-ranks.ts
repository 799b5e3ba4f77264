// The ranks side of the pool family: tiny tasks (a + b) through Pool.starmap with its
// default chunksize and with chunksize 1 and through Executor.submit, the sequential round trip
// of Executor.submit, and a CPU-bound Pool.map against the same loop in this thread.
// Run as `node --import tsx pool-ranks.ts <pool plan args>`; prints JSON.
import { availableParallelism } from 'node:os';
import { Executor, Pool, tasks } from 'ranks';
import { now } from './measure.ts';
import { submitFigures, throughput } from './pool-measure.ts';
import { POOL_WORKERS, parsePoolPlanArgs, type PoolPlan } from './pool-plan.ts';
import type { CpuSamples, PoolOutput } from './types.ts';

/** pool-tasks.mjs, as its exports are typed. */
interface TaskModule {
  add(a: number, b: number): number;
  burn(iters: number): number;
}

const url = new URL('./pool-tasks.mjs', import.meta.url);
const t = tasks<TaskModule>(url);
const plan = parsePoolPlanArgs(process.argv.slice(2));

async function tinyTasks(out: PoolOutput): Promise<void> {
  const pairs = Array.from({ length: plan.tasks }, (_, i): [number, number] => [i, 1]);
  const pool = new Pool({ size: POOL_WORKERS });
  try {
    // map's default chunksize: about four chunks per worker (defaultChunksize).
    out.throughput.push(await throughput('map', plan, async (n) => void (await pool.starmap(t.add, pairs.slice(0, n)))));
    out.throughput.push(await throughput('map-1', plan, async (n) => void (await pool.starmap(t.add, pairs.slice(0, n), { chunksize: 1 }))));
  } finally {
    await pool.close();
  }
  const ex = new Executor({ maxWorkers: POOL_WORKERS });
  try {
    const submit = await submitFigures(plan, (i) => ex.submit(t.add, i, 1));
    out.throughput.push(submit.throughput);
    out.roundTrip.push(submit.roundTrip);
  } finally {
    await ex.shutdown();
  }
}

/** Steps of `burn` that take about `ms` on this thread: the fastest of a few timings, after a JIT warm-up. */
function calibrate(burn: (iters: number) => number, ms: number): number {
  const iters = 100_000;
  let best = Infinity;
  const start = now();
  for (let i = 0; i < 1000 && (i < 20 || now() - start < 0.2); i++) {
    const t0 = now();
    burn(iters);
    best = Math.min(best, now() - t0);
  }
  return Math.round((iters * ms) / (best * 1000));
}

/**
 * The same items through `burn` in this thread and through Pool.map on one worker per
 * core (chunksize 1), alternating so drift hits both; one untimed round of each first.
 */
async function cpuBound(p: PoolPlan): Promise<CpuSamples> {
  const { burn } = (await import(url.href)) as TaskModule;
  const workers = availableParallelism();
  const iters = calibrate(burn, p.cpuItemMs);
  const items = new Array<number>(p.cpuItems).fill(iters);
  const serial: number[] = [];
  const parallel: number[] = [];
  const pool = new Pool({ size: workers });
  try {
    for (let r = -1; r < p.cpuRepeats; r++) {
      let t0 = now();
      let sink = 0;
      for (const x of items) sink += burn(x);
      const s = (now() - t0) * 1000;
      t0 = now();
      const results = await pool.map(t.burn, items, { chunksize: 1 });
      const m = (now() - t0) * 1000;
      if (results.length !== items.length || !Number.isFinite(sink)) throw new Error('CPU-bound map lost results');
      if (r >= 0) {
        serial.push(s);
        parallel.push(m);
      }
    }
  } finally {
    await pool.close();
  }
  return { workers, items: p.cpuItems, iters, itemMs: p.cpuItemMs, serial, parallel };
}

const out: PoolOutput = { library: `ranks Pool and Executor (threads transport), Node.js ${process.version}`, throughput: [], roundTrip: [] };
await tinyTasks(out);
out.cpu = await cpuBound(plan);
console.log(JSON.stringify(out));
