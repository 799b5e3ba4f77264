// `npm run bench`: runs every benchmark family, prints the tables, and writes
// results/latest.json and README.md. Flags: --quick (fewer, shorter repeats),
// --only <family> (run one family), --help.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collFamily } from './lib/coll.ts';
import { farmFamily } from './lib/farm.ts';
import { describeMachine, machine } from './lib/machine.ts';
import { p2pFamily } from './lib/p2p.ts';
import { poolFamily } from './lib/pool.ts';
import { readme, summaryTable, type RunInfo } from './lib/readme.ts';
import { spliceReadme } from './lib/readme-splice.ts';
import type { FamilyResult } from './lib/types.ts';

/** The families, in the order a full run measures them. */
const FAMILIES = ['p2p', 'collectives', 'pool', 'farm', 'win', 'objects'] as const;
type Family = (typeof FAMILIES)[number];

/** Families measured by a script of their own that writes its section of README.md (between its markers). */
const SECTIONS: Partial<Record<Family, string[]>> = { win: ['win.ts', '20000'], objects: ['objects.ts'] };
/** Their arguments in a --quick run. */
const QUICK_ARGS: Partial<Record<Family, string[]>> = { win: ['2000'], objects: ['--quick'] };

const USAGE = `usage: npm run bench [-- [--quick] [--only <family>]]   (or: cd bench && node --import tsx run.ts [--quick] [--only <family>])
  --quick          fewer, shorter repeats
  --only <family>  run one family: ${FAMILIES.join(', ')}; writes results/<family>.json and .md; a full
                   (not --quick) one also replaces that family's rows and section in README.md`;

const benchDir = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
let quick = false;
let only: Family | undefined;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--quick') quick = true;
  else if (a === '--only' || a.startsWith('--only=')) {
    const name = a === '--only' ? args[++i] : a.slice('--only='.length);
    if (!FAMILIES.includes(name as Family)) {
      console.error(`--only needs one of: ${FAMILIES.join(', ')}; got ${name ?? 'nothing'}\n${USAGE}`);
      process.exit(2);
    }
    only = name as Family;
  } else {
    console.error(`unknown argument: ${a}\n${USAGE}`);
    process.exit(2);
  }
}
const command =
  process.env.npm_lifecycle_event === 'bench'
    ? `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`
    : `cd bench && node --import tsx run.ts${args.length ? ` ${args.join(' ')}` : ''}`;

const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
const m = machine(join(benchDir, '..'));
log(`${quick ? 'quick' : 'full'} run on ${describeMachine(m)}, Node.js ${m.node}, load ${m.loadAtStart.join(' ')}`);
if ((m.loadAtStart[0] ?? 0) > m.cores / 2) log('warning: the machine is busy; expect noisy absolute times');

const start = performance.now();
const options = { quick, benchDir, log, subtitle: `${m.cpu}, ${m.cores} cores, Node.js ${m.node}, ${m.date.slice(0, 10)}` };
const families: FamilyResult[] = [];
if (!only || only === 'p2p') families.push(await p2pFamily(options));
if (!only || only === 'collectives') families.push(await collFamily(options));
if (!only || only === 'pool') families.push(await poolFamily(options));
if (!only || only === 'farm') families.push(await farmFamily(options));
// The sectioned families run after README.md is written (below), so their sections stay.
const sectioned = (Object.keys(SECTIONS) as Family[]).filter((f) => !only || only === f);
if (only && sectioned.length) {
  runSections(sectioned);
  process.exit(0);
}
const loadAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
const run: RunInfo = { machine: m, command, quick, seconds: (performance.now() - start) / 1000, loadAtEnd, families };

console.log(`## Summary\n\n${summaryTable(families.flatMap((f) => f.rows))}\n`);
for (const f of families) console.log(`${f.sections.join('\n\n')}\n`);

// README.md and latest.json record full runs only; a one-family run writes results/<family>.{json,md},
// and when it is not --quick it also replaces that family's rows and section in README.md.
const [json, md] = only ? [`results/${only}.json`, `results/${only}.md`] : ['results/latest.json', 'README.md'];
mkdirSync(join(benchDir, 'results'), { recursive: true });
writeFileSync(join(benchDir, json), `${JSON.stringify(run, null, 2)}\n`);
writeFileSync(join(benchDir, md), readme(run));
const written = [json, md];
const readmePath = join(benchDir, 'README.md');
if (only && !quick && existsSync(readmePath)) {
  writeFileSync(readmePath, spliceReadme(readFileSync(readmePath, 'utf8'), run));
  written.push('README.md');
}
log(`wrote ${[...written, ...families.flatMap((f) => f.files)].join(', ')} in ${run.seconds.toFixed(0)} s`);
if (!only && !quick) runSections(sectioned);

/** Runs each sectioned family's script (one run, side by side), which splices its section into README.md. */
function runSections(names: Family[]): void {
  for (const name of names) {
    const [script, ...rest] = SECTIONS[name]!;
    log(`${name}: node --import tsx ${script} ${rest.join(' ')}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, script!), ...(quick ? (QUICK_ARGS[name] ?? []) : rest)], {
      cwd: benchDir,
      stdio: 'inherit',
    });
    if (r.status !== 0) log(`${name}: exited ${r.status ?? r.signal}`);
  }
}
