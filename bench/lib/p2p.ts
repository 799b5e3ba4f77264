// The p2p family: ping-pong between 2 ranks, ranks' threads and processes transports
// against raw postMessage, and ranks' MPI transport against C MPI and mpi4py under the
// same mpiexec, every size from 8 B to 64 MiB.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runC, runMpi4py, runRanksMpi } from './mpi.ts';
import { persistentFamily } from './p2p-persistent.ts';
import { RANKS, RANKS_PROCESSES, chartPanels, sizeTables, summaryRows } from './p2p-report.ts';
import { planArgs, planFor } from './plan.ts';
import { runJson } from './proc.ts';
import { chartSvg } from './svg.ts';
import type { FamilyOptions, FamilyResult, ImplResult } from './types.ts';

/** Runs every p2p implementation one after the other (each in its own process) and reports. */
export async function p2pFamily(options: FamilyOptions & { subtitle: string }): Promise<FamilyResult> {
  const plan = planFor(options.quick);
  const args = planArgs(plan);
  const cwd = options.benchDir;
  const timeoutMs = options.quick ? 90_000 : 240_000;
  const results: ImplResult[] = [];
  const add = (r: ImplResult): void => {
    results.push(r);
    options.log(r.status === 'ok' ? `p2p: ${r.name} done in ${r.seconds.toFixed(1)} s` : `p2p: ${r.name} ${r.status}: ${r.reason}`);
  };

  options.log(`p2p: ${RANKS} (ranks run -n 2 lib/p2p-ranks.ts)`);
  const cli = join(cwd, '..', 'bin', 'ranks.js');
  add(await runJson(RANKS, process.execPath, [cli, 'run', '-n', '2', 'lib/p2p-ranks.ts', ...args], { cwd, timeoutMs }));
  options.log(`p2p: ${RANKS_PROCESSES} (ranks run -n 2 --transport processes lib/p2p-ranks.ts)`);
  add(await runJson(RANKS_PROCESSES, process.execPath, [cli, 'run', '-n', '2', '--transport', 'processes', 'lib/p2p-ranks.ts', ...args], { cwd, timeoutMs }));
  options.log('p2p: postMessage (two worker threads, MessageChannel)');
  add(await runJson('postMessage', process.execPath, ['--import', 'tsx', 'lib/p2p-postmessage.ts', ...args], { cwd, timeoutMs }));
  const mpi = { benchDir: cwd, timeoutMs, planArgs: args, log: options.log };
  for (const r of await runC(mpi)) add(r);
  add(await runMpi4py(mpi));
  for (const r of await runRanksMpi(mpi)) add(r);
  const persistent = await persistentFamily(plan, results, { benchDir: cwd, timeoutMs, log: options.log });

  const svg = chartSvg('ranks p2p ping-pong, 2 ranks', options.subtitle, chartPanels(results), plan.sizes);
  mkdirSync(join(cwd, 'results'), { recursive: true });
  writeFileSync(join(cwd, 'results', 'p2p.svg'), svg);
  writeFileSync(join(cwd, 'p2p.svg'), svg);
  return {
    family: 'p2p',
    rows: [...summaryRows(results), ...persistent.rows],
    sections: [...sizeTables(results, plan.sizes, plan.repeats), persistent.section],
    impls: [...results, ...persistent.impls],
    files: ['results/p2p.svg', 'p2p.svg'],
  };
}
