// `cd bench && node --import tsx win.ts [iterations]`: one-sided put/get latency (8 B, put or
// get + flush) and bandwidth (16 x 8 MiB, then flush) between 2 ranks, osu_put_latency /
// osu_get_bw style, for ranks on threads, processes, MPICH and Open MPI, mpi4py's
// Win.Put/Get and C, side by side in one run. Prints the table and writes it into
// README.md (between the win markers) and results/win.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Result {
  putLatUs: number;
  getLatUs: number;
  putBwGBs: number;
  getBwGBs: number;
}
interface Row {
  name: string;
  result?: Result;
  skipped?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const iters = Number(process.argv[2] ?? 20000);
const env = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
const bin = join(here, '..', 'bin', 'ranks.js');
const script = join(here, 'lib', 'win-ranks.ts');
const tsxNode = [process.execPath, '--import', 'tsx'];
const log = (s: string): void => void process.stderr.write(`[bench win] ${s}\n`);

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

function run(name: string, argv: string[]): Row {
  log(`${name}: ${argv.join(' ')}`);
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: here, env, encoding: 'utf8', timeout: 600_000 });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) return { name, skipped: `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' ')}` };
  return { name, result: JSON.parse(line) as Result };
}

function buildC(flavor: 'mpich' | 'openmpi'): string | undefined {
  if (!has(`mpicc.${flavor}`)) return undefined;
  const exe = join(tmpdir(), `ranks-bench-win-${flavor}`);
  const r = spawnSync(`mpicc.${flavor}`, ['-O2', '-o', exe, join(here, 'lib', 'win.c')], { env, encoding: 'utf8' });
  return r.status === 0 ? exe : undefined;
}

const rows: Row[] = [];
const slow = String(Math.max(200, Math.floor(iters / 10)));
rows.push(run('ranks threads', [process.execPath, bin, 'run', '-n', '2', script, String(iters)]));
rows.push(run('ranks processes', [process.execPath, bin, 'run', '-n', '2', '--transport', 'processes', script, slow]));
const mpich = has('mpiexec.mpich');
const ompi = has('mpiexec.openmpi');
if (mpich) rows.push(run('ranks over MPICH', ['mpiexec.mpich', '-n', '2', ...tsxNode, script, String(iters)]));
if (ompi) rows.push(run('ranks over Open MPI', ['mpiexec.openmpi', '--oversubscribe', '-n', '2', ...tsxNode, script, String(iters)]));
if (ompi)
  rows.push(
    run('mpi4py (Open MPI) Win.Put/Get', ['mpiexec.openmpi', '--oversubscribe', '-n', '2', '/usr/bin/python3', join(here, 'lib', 'win.py'), String(iters)]),
  );
const cm = mpich ? buildC('mpich') : undefined;
if (cm) rows.push(run('C MPICH', ['mpiexec.mpich', '-n', '2', cm, String(iters)]));
const co = ompi ? buildC('openmpi') : undefined;
if (co) rows.push(run('C Open MPI', ['mpiexec.openmpi', '--oversubscribe', '-n', '2', co, String(iters)]));

const f = (x: number, d = 3): string => x.toPrecision(d);
const table = [
  '| 2 ranks, one node | put 8 B + flush | get 8 B + flush | put 8 MiB (x16, flush) | get 8 MiB (x16, flush) |',
  '| --- | --- | --- | --- | --- |',
  ...rows.map((r) =>
    r.result
      ? `| ${r.name} | ${f(r.result.putLatUs)} µs | ${f(r.result.getLatUs)} µs | ${f(r.result.putBwGBs)} GB/s | ${f(r.result.getBwGBs)} GB/s |`
      : `| ${r.name} | skipped: ${r.skipped} | | | |`,
  ),
].join('\n');
const when = new Date().toISOString();
const section = [
  '<!-- win:start -->',
  '## One-sided communication (Win)',
  '',
  `Written by \`cd bench && node --import tsx win.ts\` (${iters} iterations per latency round, median of 7 rounds; processes: ${slow}) on ${when}, ${cpus().length} cores, load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}.`,
  'Rank 0 holds lockAll on rank 1 and times MPI_Put/MPI_Get + MPI_Win_flush (osu_put_latency / osu_get_bw pattern); rank 1 waits in a barrier.',
  '',
  table,
  '<!-- win:end -->',
].join('\n');
console.log(table);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'win.json'), `${JSON.stringify({ when, iters, rows }, null, 2)}\n`);
// A loaded run (run.ts --load N) points this at its own report, away from the quiet figures.
const readme = join(here, process.env.RANKS_BENCH_README ?? 'README.md');
const old = existsSync(readme) ? readFileSync(readme, 'utf8') : '';
const spliced = /<!-- win:start -->[\s\S]*<!-- win:end -->/.test(old)
  ? old.replace(/<!-- win:start -->[\s\S]*<!-- win:end -->/, section)
  : `${old.trimEnd()}\n\n${section}\n`;
writeFileSync(readme, spliced);
log(`wrote ${process.env.RANKS_BENCH_README ?? 'README.md'} (win section) and results/win.json`);
