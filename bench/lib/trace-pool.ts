// The ranks side of the trace family's throughput row: `n` tiny tasks (add) through
// Pool.starmap with chunksize 1 on 2 worker threads, one warm-up round then 5 timed; prints
// JSON { tasksPerSec } (the median). With a second argument, the pool writes its trace there.
import { Pool, tasks } from 'ranks';

interface TaskModule {
  add(a: number, b: number): number;
}
const t = tasks<TaskModule>(new URL('./pool-tasks.mjs', import.meta.url));
const n = Number(process.argv[2] ?? 5000);
const trace = process.argv[3];
const pairs = Array.from({ length: n }, (_, i): [number, number] => [i, 1]);
const pool = new Pool({ size: 2, ...(trace && { trace }) });
const rates: number[] = [];
try {
  for (let round = 0; round < 6; round++) {
    const t0 = performance.now();
    await pool.starmap(t.add, pairs, { chunksize: 1 });
    if (round > 0) rates.push(n / ((performance.now() - t0) / 1000));
  }
} finally {
  await pool.close();
}
rates.sort((a, b) => a - b);
console.log(JSON.stringify({ tasksPerSec: rates[rates.length >> 1] }));
