// The farm family: 2,000 `true` jobs on every core, `ranks farm` (jobs spawned from pool
// workers, and from the main thread) against `xargs -P` (with a shell per job, as ranks
// and GNU parallel run them, and exec'ing `true` directly) and GNU parallel when installed.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { farmSummaryRows, farmTables, type FarmImpl } from './farm-report.ts';
import { capture, which } from './proc.ts';
import type { FamilyOptions, FamilyResult } from './types.ts';

/** Jobs per run. */
export const FARM_JOBS = 2000;

interface Candidate {
  name: string;
  command: string[];
  /** Why it cannot run here, if it cannot. */
  missing?: string;
}

/** Wall seconds of one run of `command`, or why it failed. */
function timeRun(command: string[], cwd: string, timeoutMs: number): Promise<{ seconds: number } | { reason: string }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ reason: `could not start: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      resolve(code === 0 ? { seconds } : { reason: `exit ${code ?? signal}${tail ? `: ${tail}` : ''}` });
    });
  });
}

function candidates(cwd: string, list: string, jobs: number): Candidate[] {
  const cli = join(cwd, '..', 'bin', 'ranks.js');
  const j = String(jobs);
  const xargs = which('xargs');
  const parallel = which('parallel');
  const gnu = parallel ? capture(parallel, ['--version']) : undefined;
  const noXargs = xargs ? undefined : 'xargs not found on PATH';
  return [
    { name: 'ranks farm', command: [process.execPath, cli, 'farm', '-q', '-j', j, '-a', list, 'true'] },
    { name: 'ranks farm --spawn-from workers', command: [process.execPath, cli, 'farm', '-q', '-j', j, '--spawn-from', 'workers', '-a', list, 'true'] },
    { name: 'xargs -P, sh -c per job', command: ['xargs', '-P', j, '-a', list, '-I{}', 'sh', '-c', 'true {}'], missing: noXargs },
    { name: 'xargs -P, exec true', command: ['xargs', '-P', j, '-n', '1', '-a', list, 'true'], missing: noXargs },
    {
      name: 'GNU parallel',
      command: ['parallel', '--will-cite', '-j', j, 'true', '::::', list],
      missing: !parallel
        ? 'GNU parallel not installed (apt-get install parallel)'
        : gnu?.output.includes('GNU parallel')
          ? undefined
          : `${parallel} is not GNU parallel`,
    },
  ];
}

/** Runs every implementation once per repeat, interleaved so drift hits them alike, and reports. */
export async function farmFamily(options: FamilyOptions): Promise<FamilyResult> {
  const cwd = options.benchDir;
  const jobs = availableParallelism();
  const repeats = options.quick ? 2 : 5;
  mkdirSync(join(cwd, 'results'), { recursive: true });
  const list = join(cwd, 'results', 'farm-inputs.txt');
  writeFileSync(list, Array.from({ length: FARM_JOBS }, (_, i) => `${i}\n`).join(''));
  const all = candidates(cwd, list, jobs);
  const impls: FarmImpl[] = all.map((c) => ({
    name: c.name,
    command: c.command.map((a) => (a === list ? 'results/farm-inputs.txt' : a === process.execPath ? 'node' : a.replace(join(cwd, '..'), '..'))).join(' '),
    ...(c.missing ? { status: 'not run' as const, reason: c.missing } : { status: 'ok' as const }),
    seconds: [],
  }));
  for (const i of impls) if (i.status !== 'ok') options.log(`farm: ${i.name} not run: ${i.reason}`);
  for (let r = 0; r < repeats; r++) {
    for (const [k, impl] of impls.entries()) {
      if (impl.status !== 'ok') continue;
      const out = await timeRun(all[k]!.command, cwd, 300_000);
      if ('reason' in out) {
        Object.assign(impl, { status: 'failed', reason: out.reason });
        options.log(`farm: ${impl.name} failed: ${out.reason}`);
      } else {
        impl.seconds.push(out.seconds);
        options.log(`farm: ${impl.name}, repeat ${r + 1}/${repeats}: ${out.seconds.toFixed(2)} s (${Math.round(FARM_JOBS / out.seconds)} jobs/s)`);
      }
    }
  }
  return { family: 'farm', rows: farmSummaryRows(impls, jobs), sections: farmTables(impls, jobs, repeats), impls, files: [] };
}
