// The pool family: tiny tasks (a + b) on a pool of 2 workers, the sequential round trip of
// one task, and a CPU-bound map: ranks' Pool and Executor against piscina, tinypool,
// workerpool, poolifier and Python's multiprocessing.Pool (and the serial loop).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { poolPlanArgs, poolPlanFor } from './pool-plan.ts';
import { MPI4PY_FUTURES, MPI_POOL_RANKS, NODE_PEERS, PYTHON, RANKS, RANKS_MPICH_POOL, RANKS_OMPI_POOL, poolSummaryRows, poolTables } from './pool-report.ts';
import { MPI_ENV, mpi4pyLauncher, mpiexecOf, rankArgs } from './mpi.ts';
import { cleanLibrary, runJsonLine, type RunOptions } from './proc.ts';
import type { FamilyOptions, FamilyResult, PoolOutput, PoolResult } from './types.ts';

/** Debian's python3 (the standard library's multiprocessing is all pool.py needs). */
const PYTHON_EXE = '/usr/bin/python3';

/** Runs a pool program (see proc.ts's runJsonLine) and reads its PoolOutput. */
async function runPool(name: string, command: string, args: string[], options: RunOptions): Promise<PoolResult> {
  const r = await runJsonLine(command, args, options);
  if (!r.ok) return { name, status: 'failed', reason: r.reason, seconds: r.seconds };
  const out = r.json as Partial<PoolOutput> | null;
  if (out?.notRun) return { name, status: 'not run', reason: out.notRun, seconds: r.seconds };
  if (!out || !Array.isArray(out.throughput) || !Array.isArray(out.roundTrip)) {
    return { name, status: 'failed', reason: `no JSON result on stdout${r.stderrTail ? `; stderr: ${r.stderrTail}` : ''}`, seconds: r.seconds };
  }
  return { name, status: 'ok', library: cleanLibrary(out.library), throughput: out.throughput, roundTrip: out.roundTrip, cpu: out.cpu, seconds: r.seconds };
}

/** Runs ranks, each Node peer and Python one after the other (each in its own process) and reports. */
export async function poolFamily(options: FamilyOptions): Promise<FamilyResult> {
  const plan = poolPlanFor(options.quick);
  const args = poolPlanArgs(plan);
  const cwd = options.benchDir;
  const timeoutMs = options.quick ? 120_000 : 300_000;
  const results: PoolResult[] = [];
  const add = (r: PoolResult): void => {
    results.push(r);
    options.log(r.status === 'ok' ? `pool: ${r.name} done in ${r.seconds.toFixed(1)} s` : `pool: ${r.name} ${r.status}: ${r.reason}`);
  };
  const tsx = [process.execPath, '--import', 'tsx'] as const;
  options.log(`pool: ${RANKS} (node --import tsx lib/pool-ranks.ts)`);
  add(await runPool(RANKS, tsx[0], [...tsx.slice(1), 'lib/pool-ranks.ts', ...args], { cwd, timeoutMs }));
  for (const peer of NODE_PEERS) {
    options.log(`pool: ${peer} (node --import tsx lib/pool-peers.ts ${peer})`);
    add(await runPool(peer, tsx[0], [...tsx.slice(1), 'lib/pool-peers.ts', peer, ...args], { cwd, timeoutMs }));
  }
  if (existsSync(PYTHON_EXE)) {
    options.log(`pool: ${PYTHON} (${PYTHON_EXE} lib/pool.py)`);
    add(await runPool(PYTHON, PYTHON_EXE, [join(cwd, 'lib', 'pool.py'), ...args], { cwd, timeoutMs }));
  } else {
    add({ name: PYTHON, status: 'not run', reason: `${PYTHON_EXE} not found`, seconds: 0 });
  }
  // A pool over the ranks of an MPI job (rank 0 schedules, 2 ranks serve), beside mpi4py.futures.
  const mpiEnv = { ...MPI_ENV };
  for (const flavor of ['Open MPI', 'MPICH'] as const) {
    const name = flavor === 'Open MPI' ? RANKS_OMPI_POOL : RANKS_MPICH_POOL;
    const mpiexec = mpiexecOf(flavor);
    if (!mpiexec) {
      add({ name, status: 'not run', reason: `no ${flavor} mpiexec found`, seconds: 0 });
      continue;
    }
    options.log(`pool: ${name} (${mpiexec} -n ${MPI_POOL_RANKS} node lib/pool-mpi-ranks.ts)`);
    add(
      await runPool(name, mpiexec, [...rankArgs(flavor, MPI_POOL_RANKS), ...tsx, 'lib/pool-mpi-ranks.ts', ...args], {
        cwd,
        timeoutMs,
        env: { ...mpiEnv, BENCH_MPI_FLAVOR: flavor },
      }),
    );
  }
  const py = mpi4pyLauncher();
  if (py.ok) {
    options.log(`pool: ${MPI4PY_FUTURES} (${py.mpiexec} -n ${MPI_POOL_RANKS} ${py.python} lib/pool_mpi.py)`);
    add(
      await runPool(MPI4PY_FUTURES, py.mpiexec, [...rankArgs(py.flavor, MPI_POOL_RANKS), py.python, join(cwd, 'lib', 'pool_mpi.py'), ...args], {
        cwd,
        timeoutMs,
        env: { ...mpiEnv, PYTHONPATH: join(cwd, 'lib') },
      }),
    );
  } else {
    add({ name: MPI4PY_FUTURES, status: 'not run', reason: py.reason, seconds: 0 });
  }
  return { family: 'pool', rows: poolSummaryRows(results, plan), sections: poolTables(results, plan), impls: results, files: [] };
}
