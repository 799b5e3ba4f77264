// Turning pool results into the summary rows and the per-figure tables.
import { formatMicros, formatRatio, markdownTable, sig3, withSpread } from './format.ts';
import { POOL_WORKERS, defaultChunksize, type PoolPlan } from './pool-plan.ts';
import { summarize, type Summary } from './stats.ts';
import type { CallSamples, PoolResult, SummaryRow } from './types.ts';

/** The implementations' names in the results. */
export const RANKS = 'ranks';
export const NODE_PEERS = ['piscina', 'tinypool', 'workerpool', 'poolifier'] as const;
export const PYTHON = 'Python multiprocessing';
/** A pool over the ranks of an MPI job, and its peer. */
export const RANKS_OMPI_POOL = 'ranks over Open MPI';
export const RANKS_MPICH_POOL = 'ranks over MPICH';
export const MPI4PY_FUTURES = 'mpi4py.futures';
/** Ranks of those jobs: rank 0 schedules, the others serve (as many as the pools above have workers). */
export const MPI_POOL_RANKS = POOL_WORKERS + 1;

type Ok = Extract<PoolResult, { status: 'ok' }>;

/** One measured figure: a call of one implementation, as tables and rows label it. */
interface Figure {
  impl: string;
  variant: string;
  label: string;
  summary: Summary;
}

function label(impl: string, variant: string, plan: PoolPlan): string {
  const chunked = `default chunksize, ${defaultChunksize(plan.tasks, POOL_WORKERS)}`;
  const labels: Record<string, string> = {
    [`${RANKS}/map`]: `ranks Pool.starmap (${chunked})`,
    [`${RANKS}/map-1`]: 'ranks Pool.starmap (chunksize 1)',
    [`${RANKS}/submit`]: 'ranks Executor.submit',
    [`${PYTHON}/starmap`]: 'Python Pool.starmap (default chunksize)',
    [`${PYTHON}/starmap-1`]: 'Python Pool.starmap (chunksize 1)',
    [`${PYTHON}/apply`]: 'Python Pool.apply',
    [`${RANKS_OMPI_POOL}/map`]: 'ranks Pool.onComm starmap over Open MPI (default chunksize)',
    [`${RANKS_OMPI_POOL}/submit`]: 'ranks Executor.onComm submit over Open MPI',
    [`${RANKS_MPICH_POOL}/map`]: 'ranks Pool.onComm starmap over MPICH (default chunksize)',
    [`${RANKS_MPICH_POOL}/submit`]: 'ranks Executor.onComm submit over MPICH',
    [`${MPI4PY_FUTURES}/map`]: 'mpi4py.futures MPICommExecutor starmap (default chunksize)',
    [`${MPI4PY_FUTURES}/submit`]: 'mpi4py.futures MPICommExecutor submit',
  };
  return labels[`${impl}/${variant}`] ?? `${impl} ${variant}`;
}

function figures(results: PoolResult[], plan: PoolPlan, kind: 'throughput' | 'roundTrip'): Figure[] {
  return results
    .filter((r): r is Ok => r.status === 'ok')
    .flatMap((r) =>
      r[kind]
        .filter((s: CallSamples) => s.samples.length > 0)
        .map((s) => ({ impl: r.name, variant: s.variant, label: label(r.name, s.variant, plan), summary: summarize(s.samples) })),
    );
}

/** `183k tasks/s (171k–190k)`. */
function rateCell(s: Summary): string {
  const k = (x: number): string => (x >= 1e6 ? `${sig3(x / 1e6)}M` : `${sig3(x / 1e3)}k`);
  return withSpread(`${k(s.median)} tasks/s`, k(s.min), k(s.max));
}

function microsCell(s: Summary): string {
  return formatMicros(s.median, s.min, s.max);
}

/** The fastest Node.js peer by median tasks/s, if any ran. */
function bestNodePeer(tp: Figure[]): Figure | undefined {
  return tp.filter((f) => (NODE_PEERS as readonly string[]).includes(f.impl)).sort((a, b) => b.summary.median - a.summary.median)[0];
}

function missing(results: PoolResult[], names: readonly string[]): string {
  const why = names.map((n) => {
    const r = results.find((x) => x.name === n);
    return r && r.status !== 'ok' ? `${n}: ${r.status}` : `${n}: not run`;
  });
  return why.join('; ');
}

const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'met' : 'not met');

/** The summary rows: throughput against the best Node peer and Python, round trip against piscina, CPU-bound speedup. */
export function poolSummaryRows(results: PoolResult[], plan: PoolPlan): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const tp = figures(results, plan, 'throughput');
  const best = bestNodePeer(tp);
  const tinyBench = `tiny tasks throughput (a + b), pool of ${POOL_WORKERS}`;
  for (const variant of ['map', 'map-1', 'submit']) {
    const mine = tp.find((f) => f.impl === RANKS && f.variant === variant);
    const r = mine && best ? mine.summary.median / best.summary.median : undefined;
    rows.push({
      benchmark: tinyBench,
      ranks: mine ? `${mine.label}: ${rateCell(mine.summary)}` : `${label(RANKS, variant, plan)}: ${missing(results, [RANKS])}`,
      peer: best ? `best Node peer, ${best.label}: ${rateCell(best.summary)}` : `Node peers: ${missing(results, NODE_PEERS)}`,
      ratio: r === undefined ? '–' : `${formatRatio(r)} of the best Node peer`,
      // Executor.submit's own goal (issue 21) is 5x; the pools' is 2x.
      goal: variant === 'submit' ? '>= 5x the best Node peer' : '>= 2x the best Node peer',
      verdict: verdict(r === undefined ? undefined : r >= (variant === 'submit' ? 5 : 2)),
    });
  }
  for (const [variant, pyVariant] of [
    ['map', 'starmap'],
    ['map-1', 'starmap-1'],
  ] as const) {
    const mine = tp.find((f) => f.impl === RANKS && f.variant === variant);
    const py = tp.find((f) => f.impl === PYTHON && f.variant === pyVariant);
    rows.push({
      benchmark: tinyBench,
      ranks: mine ? `${mine.label}: ${rateCell(mine.summary)}` : `${label(RANKS, variant, plan)}: ${missing(results, [RANKS])}`,
      peer: py ? `${py.label}: ${rateCell(py.summary)}` : `${label(PYTHON, pyVariant, plan)}: ${missing(results, [PYTHON])}`,
      ratio: mine && py ? `${formatRatio(mine.summary.median / py.summary.median)} of Python's` : '–',
      // The default chunksize should batch at least as well as Python's (issue 21); chunksize 1 is reported.
      goal: variant === 'map' ? ">= 1x of Python's" : 'report',
      verdict: !(mine && py) ? 'n/a' : variant === 'map' ? verdict(mine.summary.median >= py.summary.median) : 'report',
    });
  }
  const rt = figures(results, plan, 'roundTrip');
  const mine = rt.find((f) => f.impl === RANKS && f.variant === 'submit');
  const piscina = rt.find((f) => f.impl === 'piscina');
  rows.push({
    benchmark: 'one task round trip (sequential await)',
    ranks: mine ? `ranks await Executor.submit: ${microsCell(mine.summary)}` : `ranks: ${missing(results, [RANKS])}`,
    peer: piscina ? `piscina await run: ${microsCell(piscina.summary)}` : `piscina: ${missing(results, ['piscina'])}`,
    ratio: mine && piscina ? `${formatRatio(mine.summary.median / piscina.summary.median)} of piscina's` : '–',
    goal: "<= 1/3 of piscina's",
    verdict: verdict(mine && piscina ? mine.summary.median <= piscina.summary.median / 3 : undefined),
  });
  if (mine)
    rows.push({
      benchmark: 'one task round trip (sequential await)',
      ranks: `ranks await Executor.submit: ${microsCell(mine.summary)}`,
      peer: 'an absolute goal',
      ratio: '–',
      goal: '<= 5 µs',
      verdict: verdict(mine.summary.median <= 5),
    });
  rows.push(cpuRow(results));
  rows.push(...mpiPoolRows(results, plan));
  return rows;
}

/** A pool over an MPI job's ranks against mpi4py.futures in the same kind of job: throughput and round trip. */
function mpiPoolRows(results: PoolResult[], plan: PoolPlan): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const bench = `pool over an MPI job (${MPI_POOL_RANKS} ranks: rank 0 schedules, ${MPI_POOL_RANKS - 1} serve)`;
  const tp = figures(results, plan, 'throughput');
  const rt = figures(results, plan, 'roundTrip');
  for (const impl of [RANKS_OMPI_POOL, RANKS_MPICH_POOL]) {
    for (const [kind, variant] of [
      ['throughput', 'map'],
      ['throughput', 'submit'],
      ['roundTrip', 'submit'],
    ] as const) {
      const list = kind === 'throughput' ? tp : rt;
      const mine = list.find((f) => f.impl === impl && f.variant === variant);
      const peer = list.find((f) => f.impl === MPI4PY_FUTURES && f.variant === variant);
      const cell = kind === 'throughput' ? rateCell : microsCell;
      const what = kind === 'throughput' ? `${bench}, tiny tasks` : `${bench}, one task round trip`;
      rows.push({
        benchmark: what,
        ranks: mine ? `${mine.label}: ${cell(mine.summary)}` : `${label(impl, variant, plan)}: ${missing(results, [impl])}`,
        peer: peer ? `${peer.label}: ${cell(peer.summary)}` : `${label(MPI4PY_FUTURES, variant, plan)}: ${missing(results, [MPI4PY_FUTURES])}`,
        ratio: mine && peer ? `${formatRatio(mine.summary.median / peer.summary.median)} of mpi4py.futures'` : '–',
        goal: 'report',
        verdict: mine && peer ? 'report' : 'n/a',
      });
    }
  }
  return rows;
}

function cpuFigures(results: PoolResult[]): { r: Ok; serial: Summary; parallel: Summary; ratios: Summary } | undefined {
  const r = results.find((x): x is Ok => x.name === RANKS && x.status === 'ok');
  const cpu = r?.cpu;
  if (!r || !cpu || cpu.serial.length === 0 || cpu.parallel.length !== cpu.serial.length) return undefined;
  return { r, serial: summarize(cpu.serial), parallel: summarize(cpu.parallel), ratios: summarize(cpu.serial.map((s, i) => s / cpu.parallel[i]!)) };
}

function cpuRow(results: PoolResult[]): SummaryRow {
  const f = cpuFigures(results);
  const cpu = f?.r.cpu;
  if (!f || !cpu)
    return {
      benchmark: 'CPU-bound map speedup',
      ranks: `ranks: ${missing(results, [RANKS])}`,
      peer: 'serial loop: not run',
      ratio: '–',
      goal: '>= 0.9 x cores',
      verdict: 'n/a',
    };
  const speed = f.serial.median / f.parallel.median;
  const goal = 0.9 * cpu.workers;
  return {
    benchmark: `CPU-bound map speedup, ${cpu.items} items of ~${cpu.itemMs} ms, ${cpu.workers} workers`,
    ranks: `ranks Pool.map: ${microsCell(scale(f.parallel, 1000))}`,
    peer: `serial loop in one thread: ${microsCell(scale(f.serial, 1000))}`,
    ratio: `speedup ${formatRatio(speed)} (${sig3(f.ratios.min)}–${sig3(f.ratios.max)})`,
    goal: `>= 0.9 x cores (${sig3(goal)})`,
    verdict: verdict(speed >= goal),
  };
}

function scale(s: Summary, k: number): Summary {
  return { ...s, median: s.median * k, min: s.min * k, max: s.max * k, q1: s.q1 * k, q3: s.q3 * k };
}

/** The per-figure tables (every implementation side by side) and the notes. */
export function poolTables(results: PoolResult[], plan: PoolPlan): string[] {
  const tp = figures(results, plan, 'throughput');
  const best = bestNodePeer(tp);
  const tpRows = tp.map((f) => [f.label, rateCell(f.summary), best ? formatRatio(f.summary.median / best.summary.median) : '–']);
  const rt = figures(results, plan, 'roundTrip');
  const piscina = rt.find((f) => f.impl === 'piscina');
  const rtRows = rt.map((f) => [f.label, microsCell(f.summary), piscina ? formatRatio(f.summary.median / piscina.summary.median) : '–']);
  const sections = [
    `### pool: tiny tasks throughput (a + b), ${POOL_WORKERS} workers, ${plan.tasks} tasks per repeat (median, min–max over ${plan.repeats} repeats)\n\n${markdownTable(['implementation and call', 'throughput', 'vs best Node peer'], tpRows)}`,
    `### pool: one task round trip, sequential await (time per call; median, min–max over ${plan.repeats} repeats)\n\n${markdownTable(['implementation and call', 'round trip', 'vs piscina'], rtRows)}`,
  ];
  const f = cpuFigures(results);
  if (f?.r.cpu) {
    const c = f.r.cpu;
    const row = [
      `${c.items} × ${c.iters} steps (~${c.itemMs} ms each)`,
      String(c.workers),
      microsCell(scale(f.serial, 1000)),
      microsCell(scale(f.parallel, 1000)),
      withSpread(formatRatio(f.serial.median / f.parallel.median), sig3(f.ratios.min), sig3(f.ratios.max)),
    ];
    sections.push(
      `### pool: CPU-bound map (median, min–max over ${c.serial.length} repeats)\n\n${markdownTable(['items', 'workers', 'serial loop, one thread', 'Pool.map, chunksize 1', 'speedup'], [row])}`,
    );
  }
  const notes = results.map((r) =>
    r.status === 'ok' ? `- ${r.name}: ${r.library ?? 'ran'} (${sig3(r.seconds)} s)` : `- ${r.name}: **${r.status}** — ${r.reason}`,
  );
  sections.push(`### pool implementations\n\n${notes.join('\n')}`);
  sections.push(HOW);
  return sections;
}

const HOW = `### pool: how it is measured

- Each implementation runs in its own process, one after the other (bench/lib/pool-ranks.ts,
  pool-peers.ts, pool.py; shared loops in pool-measure.ts). Every pool has 2 workers; the
  task is \`a + b\`, from a plain \`.mjs\` module for every Node.js side (ranks: \`tasks()\` of
  pool-tasks.mjs; peers: pool-worker-*.mjs) and a module-level function for Python.
- Throughput: untimed warm-up bursts, then timed bursts of N tasks each; a repeat's figure
  is N / its seconds. ranks: \`Pool.starmap(add, pairs)\` with its default chunksize (as
  Python's: N / (4 × workers)) and with chunksize 1, and N \`Executor.submit\` calls then
  \`Promise.all\`. Node peers: N concurrent \`run\`/\`exec\`/\`execute\` calls then
  \`Promise.all\`, as their docs advise. Python: \`Pool(2).starmap\` (its \`map\` for
  two-argument tasks) with the default chunksize and with chunksize 1.
- Round trip: \`await\` one call, then the next (\`Executor.submit\`, \`run\`, \`exec\`,
  \`execute\`, Python's \`Pool.apply\`); a warm-up doubles the calls until a batch lasts half
  the target, then each repeat lasts at least the target; a repeat's figure is its time /
  calls. The "best Node peer" is the one with the highest median throughput in this run.
- CPU-bound map: \`burn(iters)\` (dependent floating-point arithmetic, calibrated to about
  20 ms on the main thread) over the items, once as a plain loop in the main thread and once
  as \`Pool.map(burn, items, { chunksize: 1 })\` with one worker per core, alternating,
  after one untimed round of each; speedup = median serial time / median map time (the
  spread is over the per-repeat ratios).
- Pool over an MPI job: \`mpiexec -n 3\` of \`node lib/pool-mpi-ranks.ts\` (ranks'
  \`Pool.onComm\` / \`Executor.onComm\` over \`world()\`) and of \`python3 lib/pool_mpi.py\`
  (mpi4py.futures' \`MPICommExecutor\`, on the Open MPI that Debian's mpi4py is built on):
  rank 0 schedules, the 2 other ranks serve; the same bursts and round trips as above
  (\`starmap\` with the default chunksize, N \`submit\` calls, sequential \`submit\`).`;
