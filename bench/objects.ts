// `cd bench && node --import tsx objects.ts [--quick]`: objects, the payload most Node users
// send, against mpi4py's lower-case (pickle) send/recv of the same data, side by side in one
// run: a small record's one-way latency, 10^5 records in one message, a plain array of 10^7
// numbers (a Python list of 10^7 floats) and a 1 MiB string, between 2 ranks. Prints the
// table and writes it into README.md (between the objects markers) and results/objects.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatMicros } from './lib/format.ts';

interface Output {
  library?: string;
  cases: Record<string, number[]>;
}
interface Row {
  name: string;
  out?: Output;
  skipped?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const [repeats, target] = quick ? ['3', '0.1'] : ['7', '0.3'];
const env = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
const bin = join(here, '..', 'bin', 'ranks.js');
const log = (s: string): void => void process.stderr.write(`[bench objects] ${s}\n`);
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

function run(name: string, argv: string[]): Row {
  log(`${name}: ${argv.join(' ')}`);
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: here, env, encoding: 'utf8', timeout: 900_000 });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) return { name, skipped: `exit ${r.status ?? r.signal}: ${(r.stderr ?? '').trim().split('\n').slice(-2).join(' ')}` };
  return { name, out: JSON.parse(line) as Output };
}

const started = Date.now();
const load0 = loadavg();
const ranks = run('ranks threads', [process.execPath, bin, 'run', '-n', '2', join(here, 'lib', 'objects-ranks.ts'), repeats, target]);
const py = has('mpiexec.openmpi')
  ? run('mpi4py (pickle)', ['mpiexec.openmpi', '--oversubscribe', '-n', '2', '/usr/bin/python3', join(here, 'lib', 'objects.py'), repeats, target])
  : { name: 'mpi4py (pickle)', skipped: 'mpiexec.openmpi not installed' };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const cell = (xs: number[] | undefined): string => (xs ? formatMicros(median(xs), Math.min(...xs), Math.max(...xs)) : 'not run');
const LABELS: Record<string, string> = {
  record: 'small record `{ id, name, tags: [3 strings] }`, one-way latency',
  records: '10^5 small records in one message',
  numbers: 'array of 10^7 numbers (Python: list of 10^7 floats)',
  string: 'string of 1 MiB',
};
const lines = Object.keys(LABELS).map((c) => {
  const a = ranks.out?.cases[c];
  const b = py.out?.cases[c];
  const ratio = a && b ? median(b) / median(a) : undefined;
  const r = ratio === undefined ? 'n/a' : ratio >= 1 ? `${ratio.toPrecision(3)}x faster` : `${(1 / ratio).toPrecision(3)}x slower`;
  const verdict = ratio === undefined ? 'n/a' : ratio >= 1 ? 'met' : 'not met';
  return `| ${LABELS[c]} | ${cell(a)} | ${cell(b)} | ${r} | >= pickle | ${verdict} |`;
});
const table = [
  '| payload, 2 ranks, one message (median, min–max) | ranks threads: send/recv | mpi4py: send/recv (pickle) | ranks vs pickle | goal | verdict |',
  '| --- | --- | --- | --- | --- | --- |',
  ...lines,
].join('\n');
const notes = [ranks, py].map((r) => `- ${r.name}: ${r.out ? (r.out.library ?? 'ok') : `skipped: ${r.skipped}`}`).join('\n');
const when = new Date().toISOString();
const section = [
  '<!-- objects:start -->',
  '## Objects (send/recv of plain JavaScript values against pickle)',
  '',
  `Written by \`cd bench && node --import tsx objects.ts${quick ? ' --quick' : ''}\` on ${when}, ${Math.round((Date.now() - started) / 1000)} s, ${cpus().length} cores, load ${load0.map((x) => x.toFixed(2)).join(' ')} / ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}; ${repeats} repeats of about ${target} s (at least one message) per case.`,
  'Rank 0 sends the value, rank 1 receives it (rebuilding it: deserialization counted) and answers with a small number; the record case is a ping-pong of the record itself (one-way = round trip / 2). mpi4py runs the same steps with `comm.send`/`comm.recv` (pickle protocol 5) under Open MPI (lib/objects.py).',
  '',
  table,
  '',
  notes,
  '<!-- objects:end -->',
].join('\n');
console.log(table);
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'objects.json'), `${JSON.stringify({ when, quick, rows: [ranks, py] }, null, 2)}\n`);
const readme = join(here, process.env.RANKS_BENCH_README ?? 'README.md');
const old = existsSync(readme) ? readFileSync(readme, 'utf8') : '';
const re = /<!-- objects:start -->[\s\S]*<!-- objects:end -->/;
writeFileSync(readme, re.test(old) ? old.replace(re, section) : `${old.trimEnd()}\n\n${section}\n`);
log(`wrote ${process.env.RANKS_BENCH_README ?? 'README.md'} (objects section) and results/objects.json`);
