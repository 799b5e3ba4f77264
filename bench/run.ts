// `npm run bench`: runs every benchmark family, prints the tables, and writes
// results/latest.json and README.md. Flags: --quick (fewer, shorter repeats),
// --only <family> (run one family), --load N (N busy loops run meanwhile), --help.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { collFamily } from './lib/coll.ts';
import { farmFamily } from './lib/farm.ts';
import { loadSection, spliceLoad, startLoad, type Load } from './lib/load.ts';
import { describeMachine, machine } from './lib/machine.ts';
import { p2pFamily } from './lib/p2p.ts';
import { poolFamily } from './lib/pool.ts';
import { readme, summaryTable, type RunInfo } from './lib/readme.ts';
import { spliceReadme } from './lib/readme-splice.ts';
import type { FamilyResult } from './lib/types.ts';

/** The families, in the order a full run measures them. */
const FAMILIES = ['p2p', 'collectives', 'pool', 'farm', 'win', 'objects', 'trace'] as const;
type Family = (typeof FAMILIES)[number];

/** Families measured by a script of their own that writes its section of README.md (between its markers). */
const SECTIONS: Partial<Record<Family, string[]>> = { win: ['win.ts', '20000'], objects: ['objects.ts'], trace: ['trace.ts', '10000'] };
/** Their arguments in a --quick run. */
const QUICK_ARGS: Partial<Record<Family, string[]>> = { win: ['2000'], objects: ['--quick'], trace: ['2000'] };

const USAGE = `usage: npm run bench [-- [--quick] [--only <family>] [--load N]]   (or: cd bench && node --import tsx run.ts [...])
  --quick          fewer, shorter repeats
  --only <family>  run one family: ${FAMILIES.join(', ')}; writes results/<family>.json and .md; a full
                   (not --quick) one also replaces that family's rows and section in README.md
  --load N         N busy-loop processes run during every measurement (ranks and peers alike); writes
                   results/load.json and results/load.md, and (not --quick) README.md's "Under load" section`;

const benchDir = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
let quick = false;
let only: Family | undefined;
let loadN = 0;
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === '--quick') quick = true;
  else if (a === '--load' || a.startsWith('--load=')) {
    const text = a === '--load' ? args[++i] : a.slice('--load='.length);
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) {
      console.error(`Expected \`--load\` to be an integer >= 1, got ${text === undefined ? 'nothing' : JSON.stringify(text)}\n${USAGE}`);
      process.exit(2);
    }
    loadN = n;
  } else if (a === '--only' || a.startsWith('--only=')) {
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

// A loaded run (--load N) writes results/load.{json,md} and only README.md's "Under load" section.
const [json, md] =
  loadN > 0
    ? [`results/${only ? `${only}-` : ''}load.json`, `results/${only ? `${only}-` : ''}load.md`]
    : only
      ? [`results/${only}.json`, `results/${only}.md`]
      : ['results/latest.json', 'README.md'];

// Started before anything is measured, stopped after the last family (sections included).
const load: Load | undefined = loadN > 0 ? startLoad(loadN) : undefined;
// Time limits (lib/proc.ts) and the families' child programs see the load too.
if (loadN > 0) process.env.RANKS_BENCH_LOAD = String(loadN);
if (load) log(`--load ${load.n}: ${load.n} busy-loop processes run during every measurement`);
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
  load?.stop();
  process.exit(0);
}
const loadAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
const run: RunInfo = { machine: m, command, quick, seconds: (performance.now() - start) / 1000, loadAtEnd, families };

console.log(`## Summary\n\n${summaryTable(families.flatMap((f) => f.rows))}\n`);
for (const f of families) console.log(`${f.sections.join('\n\n')}\n`);

// README.md and latest.json record full runs only; a one-family run writes results/<family>.{json,md},
// and when it is not --quick it also replaces that family's rows and section in README.md.
mkdirSync(join(benchDir, 'results'), { recursive: true });
const readmePath = join(benchDir, 'README.md');
const oldReadme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
writeFileSync(join(benchDir, json), `${JSON.stringify(load ? { ...run, load: { n: load.n, samples: load.samples } } : run, null, 2)}\n`);
writeFileSync(join(benchDir, md), readme(run));
const written = [json, md];
if (load && !quick) {
  writeFileSync(readmePath, spliceLoad(oldReadme, loadSection(run, load)));
  written.push('README.md');
} else if (!load && !only && !quick) {
  // A full quiet run rewrote README.md: the last loaded run's section stays.
  const kept = /<!-- load:start -->[\s\S]*<!-- load:end -->/.exec(oldReadme);
  if (kept) writeFileSync(readmePath, spliceLoad(readFileSync(readmePath, 'utf8'), kept[0]));
} else if (!load && only && !quick && oldReadme) {
  writeFileSync(readmePath, spliceReadme(oldReadme, run));
  written.push('README.md');
}
log(`wrote ${[...written, ...families.flatMap((f) => f.files)].join(', ')} in ${run.seconds.toFixed(0)} s`);
if (!only && !quick) runSections(sectioned);
else if (!only && load) runSections(sectioned);
if (load) {
  log(`--load ${load.n}: load average at end ${loadAtEnd.join(' ')}`);
  load.stop();
}

/** Runs each sectioned family's script (one run, side by side), which splices its section into README.md. */
function runSections(names: Family[]): void {
  for (const name of names) {
    const [script, ...rest] = SECTIONS[name]!;
    log(`${name}: node --import tsx ${script} ${rest.join(' ')}`);
    // Under load a section goes to results/load.md, not into README.md's quiet figures.
    const env = load ? { ...process.env, RANKS_BENCH_README: md } : process.env;
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, script!), ...(quick ? (QUICK_ARGS[name] ?? []) : rest)], {
      cwd: benchDir,
      stdio: 'inherit',
      env,
    });
    if (r.status !== 0) log(`${name}: exited ${r.status ?? r.signal}`);
  }
}
