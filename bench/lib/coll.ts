// The collectives family: bcast of 10^7 float64 (typed vs object path), allreduce(SUM) of
// 10^6 float64 and barrier, on 2 and 4 ranks: ranks' threads transport against mpi4py
// (buffer and pickle paths) and C MPICH.
import { join } from 'node:path';
import { COLL_SIZES, collPlanArgs, collPlanFor } from './coll-plan.ts';
import { RANKS, collSummaryRows, collTables } from './coll-report.ts';
import { MPI_ENV, buildC, mpi4pyLauncher, rankArgs } from './mpi.ts';
import { cleanLibrary, runJsonLine, type RunOptions } from './proc.ts';
import type { CollOutput, CollResult, FamilyOptions, FamilyResult } from './types.ts';

/** Runs a collectives program (see proc.ts's runJsonLine) and reads its CollOutput. */
async function runColl(name: string, size: number, command: string, args: string[], options: RunOptions): Promise<CollResult> {
  const r = await runJsonLine(command, args, options);
  if (!r.ok) return { name, size, status: 'failed', reason: r.reason, seconds: r.seconds };
  const out = r.json as Partial<CollOutput> | null;
  if (!out || !Array.isArray(out.ops)) {
    return { name, size, status: 'failed', reason: `no JSON result on stdout${r.stderrTail ? `; stderr: ${r.stderrTail}` : ''}`, seconds: r.seconds };
  }
  return { name, size, status: 'ok', library: cleanLibrary(out.library), ops: out.ops, seconds: r.seconds };
}

/**
 * Runs every implementation on 2 ranks, then every one on 4 (each in its own process, one
 * after the other), and reports.
 */
export async function collFamily(options: FamilyOptions): Promise<FamilyResult> {
  const plan = collPlanFor(options.quick);
  const args = collPlanArgs(plan);
  const cwd = options.benchDir;
  const timeoutMs = options.quick ? 90_000 : 180_000;
  const results: CollResult[] = [];
  const add = (r: CollResult): void => {
    results.push(r);
    const what = `collectives: ${r.name}, ${r.size} ranks`;
    options.log(r.status === 'ok' ? `${what} done in ${r.seconds.toFixed(1)} s` : `${what} ${r.status}: ${r.reason}`);
  };
  const cli = join(cwd, '..', 'bin', 'ranks.js');
  const py = mpi4pyLauncher();
  const c = buildC('MPICH', cwd, 'coll.c', 'coll');
  for (const size of COLL_SIZES) {
    options.log(`collectives: ${RANKS}, ${size} ranks (ranks run -n ${size} lib/coll-ranks.ts)`);
    add(await runColl(RANKS, size, process.execPath, [cli, 'run', '-n', String(size), 'lib/coll-ranks.ts', ...args], { cwd, timeoutMs }));
    if (py.ok) {
      options.log(`collectives: mpi4py, ${size} ranks (${py.mpiexec} ${rankArgs(py.flavor, size).join(' ')} ${py.python} lib/coll.py)`);
      const pyArgs = [...rankArgs(py.flavor, size), py.python, join(cwd, 'lib', 'coll.py'), ...args];
      add(await runColl('mpi4py', size, py.mpiexec, pyArgs, { cwd, env: MPI_ENV, timeoutMs }));
    } else {
      add({ name: 'mpi4py', size, status: 'not run', reason: py.reason, seconds: 0 });
    }
    if (c?.ok) {
      options.log(`collectives: C MPICH, ${size} ranks (${c.mpiexec} -n ${size})`);
      add(await runColl('C MPICH', size, c.mpiexec, [...rankArgs('MPICH', size), c.exe, ...args], { cwd, env: MPI_ENV, timeoutMs }));
    } else {
      add({ name: 'C MPICH', size, status: 'not run', reason: c?.reason ?? 'MPICH not installed', seconds: 0 });
    }
  }
  return { family: 'collectives', rows: collSummaryRows(results), sections: collTables(results, plan), impls: results, files: [] };
}
