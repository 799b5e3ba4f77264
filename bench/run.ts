// `npm run bench`: runs every benchmark family, prints the tables, and writes
// results/latest.json and README.md. Flags: --quick (fewer, shorter repeats), --help.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeMachine, machine } from './lib/machine.ts';
import { p2pFamily } from './lib/p2p.ts';
import { readme, summaryTable, type RunInfo } from './lib/readme.ts';
import type { FamilyResult } from './lib/types.ts';

const USAGE = 'usage: npm run bench [-- --quick]   (or: cd bench && node --import tsx run.ts [--quick])';

const benchDir = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const unknown = args.filter((a) => a !== '--quick');
if (unknown.length > 0) {
  console.error(`unknown argument(s): ${unknown.join(' ')}\n${USAGE}`);
  process.exit(2);
}
const quick = args.includes('--quick');
const command = process.env.npm_lifecycle_event === 'bench'
  ? `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`
  : `cd bench && node --import tsx run.ts${args.length ? ` ${args.join(' ')}` : ''}`;

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
const m = machine(join(benchDir, '..'));
log(`${quick ? 'quick' : 'full'} run on ${describeMachine(m)}, Node.js ${m.node}, load ${m.loadAtStart.join(' ')}`);
if ((m.loadAtStart[0] ?? 0) > m.cores / 2) log('warning: the machine is busy; expect noisy absolute times');

const start = performance.now();
const options = { quick, benchDir, log, subtitle: `${m.cpu}, ${m.cores} cores, Node.js ${m.node}, ${m.date.slice(0, 10)}` };
const families: FamilyResult[] = [await p2pFamily(options)];
const loadAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
const run: RunInfo = { machine: m, command, quick, seconds: (performance.now() - start) / 1000, loadAtEnd, families };

console.log(`## Summary\n\n${summaryTable(families.flatMap((f) => f.rows))}\n`);
for (const f of families) console.log(`${f.sections.join('\n\n')}\n`);

mkdirSync(join(benchDir, 'results'), { recursive: true });
writeFileSync(join(benchDir, 'results', 'latest.json'), `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(join(benchDir, 'README.md'), readme(run));
log(`wrote results/latest.json, README.md, ${families.flatMap((f) => f.files).join(', ')} in ${run.seconds.toFixed(0)} s`);
