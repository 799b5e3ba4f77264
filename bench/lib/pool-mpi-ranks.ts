// The ranks side of the pool family's MPI rows: a pool over the ranks of an MPI job
// (mpi4py.futures' MPICommExecutor model). Under `mpiexec -n 3`, rank 0 schedules the tiny
// task (a + b) to the two other ranks: Pool.starmap with its default chunksize,
// Executor.submit bursts, and the sequential round trip of Executor.submit.
// Run as `mpiexec -n 3 node --import tsx pool-mpi-ranks.ts <pool plan args>`; rank 0 prints JSON.
import { Executor, Pool, tasks, world } from 'ranks';
import { submitFigures, throughput } from './pool-measure.ts';
import { defaultChunksize, parsePoolPlanArgs } from './pool-plan.ts';
import type { PoolOutput } from './types.ts';

interface TaskModule {
  add(a: number, b: number): number;
}

const t = tasks<TaskModule>(new URL('./pool-tasks.mjs', import.meta.url));
const plan = parsePoolPlanArgs(process.argv.slice(2));
const comm = world();
const pairs = Array.from({ length: plan.tasks }, (_, i): [number, number] => [i, 1]);
const out: PoolOutput = {
  library: `Pool/Executor.onComm over ${comm.size} MPI ranks (${process.env.BENCH_MPI_FLAVOR ?? 'MPI'}), Node.js ${process.version}`,
  throughput: [],
  roundTrip: [],
};

const pool = await Pool.onComm(comm);
if (pool) {
  const chunksize = defaultChunksize(plan.tasks, pool.size);
  out.throughput.push(await throughput('map', plan, async (n) => void (await pool.starmap(t.add, pairs.slice(0, n), { chunksize }))));
  await pool.close();
}
const ex = await Executor.onComm(comm);
if (ex) {
  const submit = await submitFigures(plan, (i) => ex.submit(t.add, i, 1));
  out.throughput.push(submit.throughput);
  out.roundTrip.push(submit.roundTrip);
  await ex.shutdown();
  console.log(JSON.stringify(out));
}
