// Dynamic processes bench (see bench/README.md "Dynamic processes"): the time to spawn 4
// ranks and exchange one message with each — ranks' comm.spawn() on threads, processes and
// Open MPI (MPI_Comm_spawn of `node` workers), against mpi4py's MPI.COMM_SELF.Spawn of
// Python workers under the same mpiexec. Each row is the median (min–max) of --repeats
// spawns in one manager process (the first one, which loads what the others reuse, included).
//
//   npm run build && node --import tsx bench/spawn.ts [--repeats 5]
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const i = process.argv.indexOf('--repeats');
const REPEATS = i >= 0 ? Number(process.argv[i + 1]) : 5;
const N = 4;
const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const root = here('..');
const env = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
const cli = join(root, 'bin/ranks.js');
const args = [String(REPEATS), String(N)];
const ompi = ['mpiexec.openmpi', '--oversubscribe', '-n', '1'];

const runners: { name: string; argv: string[] }[] = [
  { name: 'ranks, threads (`ranks run -n 1`)', argv: [process.execPath, cli, 'run', '-n', '1', here('spawn-rank.ts'), ...args] },
  {
    name: 'ranks, processes (`ranks run -n 1 --transport processes`)',
    argv: [process.execPath, cli, 'run', '-n', '1', '--transport', 'processes', here('spawn-rank.ts'), ...args],
  },
  { name: 'ranks, Open MPI (`mpiexec -n 1 ranks run`, MPI_Comm_spawn)', argv: [...ompi, process.execPath, cli, 'run', here('spawn-rank.ts'), ...args] },
  { name: 'mpi4py, Open MPI (`mpiexec -n 1 python3`, COMM_SELF.Spawn)', argv: [...ompi, '/usr/bin/python3', here('spawn.py'), ...args] },
];

const start = loadavg()
  .map((x) => x.toFixed(2))
  .join(', ');
const rows = [`| who | spawn ${N} + one message each: median (min–max) |`, '| --- | --- |'];
for (const r of runners) {
  const out = spawnSync(r.argv[0]!, r.argv.slice(1), { cwd: root, env, encoding: 'utf8', timeout: 600_000 });
  const line = out.stdout.split('\n').find((l) => l.startsWith('{'));
  if (out.status !== 0 || !line) {
    rows.push(`| ${r.name} | failed (${out.status}): ${out.stderr.trim().split('\n').at(-1)} |`);
    continue;
  }
  const t = (JSON.parse(line) as { times: number[] }).times.slice().sort((a, b) => a - b);
  rows.push(`| ${r.name} | ${t[t.length >> 1]!.toFixed(3)} s (${t[0]!.toFixed(3)}–${t.at(-1)!.toFixed(3)}) |`);
  console.error(rows.at(-1));
}
console.log(
  `Spawn ${N} ranks and exchange one message with each, ${REPEATS} repeats. Load average at start ${start}, at end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}.\n`,
);
console.log(rows.join('\n'));
