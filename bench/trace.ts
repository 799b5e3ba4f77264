// `cd bench && node --import tsx trace.ts [iterations]`: what tracing costs. The 8-byte
// ping-pong latency between 2 ranks (threads, processes) and the tiny-task throughput of a
// 2-worker pool, each with tracing off and on, side by side in one run. Prints the table and
// writes it into README.md (between the trace markers) and results/trace.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Row {
  name: string;
  unit: string;
  off?: number;
  on?: number;
  skipped?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const iters = Number(process.argv[2] ?? 10000);
const tasks = Math.max(1000, Math.floor(iters / 2));
const bin = join(here, '..', 'bin', 'ranks.js');
const tmp = mkdtempSync(join(tmpdir(), 'ranks-bench-trace-'));
const log = (s: string): void => void process.stderr.write(`[bench trace] ${s}\n`);

function figure(argv: string[], key: string): number | string {
  log(argv.join(' '));
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: here, encoding: 'utf8', timeout: 600_000 });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) return `exit ${r.status}: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' ')}`;
  return (JSON.parse(line) as Record<string, number>)[key]!;
}

function row(name: string, unit: string, off: number | string, on: number | string): Row {
  if (typeof off === 'string' || typeof on === 'string') return { name, unit, skipped: typeof off === 'string' ? off : (on as string) };
  return { name, unit, off, on };
}

const rows: Row[] = [];
const ping = join(here, 'lib', 'trace-pingpong.ts');
for (const transport of ['threads', 'processes'] as const) {
  const n = String(transport === 'threads' ? iters : Math.max(500, Math.floor(iters / 10)));
  const base = [process.execPath, bin, 'run', '-n', '2', '--transport', transport];
  const off = figure([...base, ping, n], 'latencyUs');
  const on = figure([...base, '--trace', join(tmp, `${transport}.json`), ping, n], 'latencyUs');
  rows.push(row(`8 B one-way latency, ${transport}`, 'µs', off, on));
}
const pool = join(here, 'lib', 'trace-pool.ts');
const node = [process.execPath, '--import', 'tsx', pool, String(tasks)];
rows.push(
  row('tiny tasks (starmap, chunksize 1, 2 worker threads)', 'tasks/s', figure(node, 'tasksPerSec'), figure([...node, join(tmp, 'pool.json')], 'tasksPerSec')),
);
rmSync(tmp, { recursive: true, force: true });

const f = (x: number): string => x.toPrecision(3);
const table = [
  '| what | tracing off | tracing on | on / off |',
  '| --- | --- | --- | --- |',
  ...rows.map((r) =>
    r.off !== undefined && r.on !== undefined
      ? `| ${r.name} | ${f(r.off)} ${r.unit} | ${f(r.on)} ${r.unit} | ${f(r.on / r.off)} |`
      : `| ${r.name} | skipped: ${r.skipped} | | |`,
  ),
].join('\n');
const when = new Date().toISOString();
const section = [
  '<!-- trace:start -->',
  '## The cost of tracing',
  '',
  `Written by \`cd bench && node --import tsx trace.ts ${iters}\` (ping-pong: ${iters} round trips per round on threads, ${Math.max(500, Math.floor(iters / 10))} on processes, median of 7 rounds; pool: ${tasks} tasks per round, median of 5) on ${when}, ${cpus().length} cores, load ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}.`,
  'Off is the library as shipped (`ranks run`); on is the same run with `--trace FILE` (a pool: `trace: FILE`): every send, receive, wait and task recorded, and the file written at the end (not timed).',
  '',
  table,
  '<!-- trace:end -->',
].join('\n');
console.log(table);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'trace.json'), `${JSON.stringify({ when, iters, tasks, rows }, null, 2)}\n`);
const readme = join(here, process.env.RANKS_BENCH_README ?? 'README.md');
const old = existsSync(readme) ? readFileSync(readme, 'utf8') : '';
const spliced = /<!-- trace:start -->[\s\S]*<!-- trace:end -->/.test(old)
  ? old.replace(/<!-- trace:start -->[\s\S]*<!-- trace:end -->/, section)
  : `${old.trimEnd()}\n\n${section}\n`;
writeFileSync(readme, spliced);
log(`wrote ${process.env.RANKS_BENCH_README ?? 'README.md'} (trace section) and results/trace.json`);
