// Turning collectives results into the summary rows and the per-operation tables.
import type { CollPlan } from './coll-plan.ts';
import { COLL_SIZES } from './coll-plan.ts';
import { formatMicros, markdownTable, sig3, speedup } from './format.ts';
import { summarize, type Summary } from './stats.ts';
import type { CollResult, SummaryRow } from './types.ts';

/** The ranks side's name in the results. */
export const RANKS = 'ranks';

/** One measured figure: an operation of one implementation, as tables and rows label it. */
interface Variant {
  impl: string;
  op: string;
  label: string;
}

const TYPED: Variant = { impl: RANKS, op: 'bcast-typed', label: 'ranks typed: bcast(Float64Array)' };
const OBJECT: Variant = { impl: RANKS, op: 'bcast-object', label: 'ranks object: bcast(number[])' };
const BCAST_BUFFER: Variant = { impl: 'mpi4py', op: 'bcast-buffer', label: 'mpi4py Bcast (numpy buffer)' };
const BCAST_PICKLE: Variant = { impl: 'mpi4py', op: 'bcast-pickle', label: 'mpi4py bcast (pickle of the numpy array)' };
const C_BCAST: Variant = { impl: 'C MPICH', op: 'bcast', label: 'C MPICH MPI_Bcast' };
const ALLREDUCE: Variant = { impl: RANKS, op: 'allreduce', label: 'ranks allreduce(Float64Array, SUM)' };
const ALLREDUCE_INTO: Variant = { impl: RANKS, op: 'allreduce-into', label: 'ranks allreduce(Float64Array, SUM, { into })' };
const PY_ALLREDUCE: Variant = { impl: 'mpi4py', op: 'allreduce', label: 'mpi4py Allreduce (numpy, MPI.SUM)' };
const C_ALLREDUCE: Variant = { impl: 'C MPICH', op: 'allreduce', label: 'C MPICH MPI_Allreduce' };
const BARRIER: Variant = { impl: RANKS, op: 'barrier', label: 'ranks barrier()' };
const PY_BARRIER: Variant = { impl: 'mpi4py', op: 'barrier', label: 'mpi4py Barrier' };
const C_BARRIER: Variant = { impl: 'C MPICH', op: 'barrier', label: 'C MPICH MPI_Barrier' };

/** A summary claim: the ranks figure against a peer figure, and its goal. */
interface Claim {
  benchmark: (size: number) => string;
  ranks: Variant;
  peer: Variant;
  goal: string;
  /** Whether the goal holds, given the two medians (µs); undefined: report only. */
  check?: (ranks: number, peer: number) => boolean;
}

const bcast = (size: number): string => `bcast 10^7 float64 (80 MB), ${size} ranks`;
const allreduce = (size: number): string => `allreduce SUM 10^6 float64 (8 MB), ${size} ranks`;
const barrier = (size: number): string => `barrier latency, ${size} ranks`;

const CLAIMS: Claim[] = [
  { benchmark: bcast, ranks: TYPED, peer: OBJECT, goal: 'typed path >= 3x faster than object path', check: (r, p) => p / r >= 3 },
  { benchmark: bcast, ranks: TYPED, peer: BCAST_BUFFER, goal: "typed path not slower than mpi4py's Bcast", check: (r, p) => r <= p },
  { benchmark: bcast, ranks: OBJECT, peer: BCAST_PICKLE, goal: 'report' },
  { benchmark: bcast, ranks: TYPED, peer: C_BCAST, goal: 'report' },
  // mpi4py's Allreduce(x, total) writes into a preallocated array: the same-semantics ranks
  // call is allreduce(x, SUM, { into }); the allocating form is reported beside it.
  { benchmark: allreduce, ranks: ALLREDUCE_INTO, peer: PY_ALLREDUCE, goal: 'not slower than mpi4py', check: (r, p) => r <= p },
  { benchmark: allreduce, ranks: ALLREDUCE, peer: PY_ALLREDUCE, goal: 'report' },
  { benchmark: allreduce, ranks: ALLREDUCE_INTO, peer: C_ALLREDUCE, goal: 'report' },
  { benchmark: barrier, ranks: BARRIER, peer: PY_BARRIER, goal: 'not slower than mpi4py', check: (r, p) => r <= p },
  { benchmark: barrier, ranks: BARRIER, peer: C_BARRIER, goal: 'report' },
];

function find(results: CollResult[], v: Variant, size: number): { result?: CollResult; summary?: Summary } {
  const result = results.find((r) => r.name === v.impl && r.size === size);
  const op = result?.status === 'ok' ? result.ops.find((o) => o.op === v.op) : undefined;
  return { result, summary: op && op.samples.length > 0 ? summarize(op.samples) : undefined };
}

function cell(s: Summary | undefined): string {
  return s ? formatMicros(s.median, s.min, s.max) : '–';
}

function figure(results: CollResult[], v: Variant, size: number): { text: string; median?: number } {
  const { result, summary } = find(results, v, size);
  if (summary) return { text: `${v.label}: ${cell(summary)}`, median: summary.median };
  if (result && result.status !== 'ok') return { text: `${v.label}: ${result.status} (see collectives implementations)` };
  return { text: `${v.label}: not run` };
}

/** The summary rows: every claim on 2 ranks, then on 4, grouped by operation. */
export function collSummaryRows(results: CollResult[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const group of [bcast, allreduce, barrier]) {
    for (const size of COLL_SIZES) {
      for (const c of CLAIMS.filter((x) => x.benchmark === group)) {
        const a = figure(results, c.ranks, size);
        const b = figure(results, c.peer, size);
        const both = a.median !== undefined && b.median !== undefined;
        rows.push({
          benchmark: c.benchmark(size),
          ranks: a.text,
          peer: b.text,
          ratio: both ? speedup(b.median! / a.median!) : '–',
          goal: c.goal,
          verdict: !both ? 'n/a' : !c.check ? 'report' : c.check(a.median!, b.median!) ? 'met' : 'not met',
        });
      }
    }
  }
  return rows;
}

/** One table per operation (implementations × rank counts), the implementations, and the method. */
export function collTables(results: CollResult[], plan: CollPlan): string[] {
  const header = ['implementation', ...COLL_SIZES.map((n) => `${n} ranks`)];
  const fewer = (lead: string): string => (plan.slowRepeats < plan.repeats ? `${lead}${plan.slowRepeats} for operations over ${plan.slowSec} s` : '');
  const table = (title: string, variants: Variant[]): string =>
    `### ${title} (time per operation; median, min–max over ${plan.repeats} repeats${fewer(', ')})\n\n${markdownTable(
      header,
      variants.map((v) => [v.label, ...COLL_SIZES.map((n) => cell(find(results, v, n).summary))]),
    )}`;
  const iters = (r: Extract<CollResult, { status: 'ok' }>): string => r.ops.map((o) => `${o.op} ${o.samples.length}×${o.iters}`).join(', ');
  const notes = results.map((r) =>
    r.status === 'ok'
      ? `- ${r.name}, ${r.size} ranks: ${r.library ?? 'ran'} (${sig3(r.seconds)} s; repeats × operations per repeat: ${iters(r)})`
      : `- ${r.name}, ${r.size} ranks: **${r.status}** — ${r.reason}`,
  );
  return [
    table('bcast of 10^7 float64 from rank 0', [TYPED, OBJECT, BCAST_BUFFER, BCAST_PICKLE, C_BCAST]),
    table('allreduce (SUM) of 10^6 float64', [ALLREDUCE, ALLREDUCE_INTO, PY_ALLREDUCE, C_ALLREDUCE]),
    table('barrier', [BARRIER, PY_BARRIER, C_BARRIER]),
    `### collectives implementations\n\n${notes.join('\n')}`,
    `### collectives: how it is measured

- Every implementation (lib/coll-ranks.ts, coll.py, coll.c) runs the same steps per
  operation: warm-up batches that double until one lasts half the target time
  (${plan.targetSec} s) and ${plan.warmSec} s have passed; then ${plan.repeats} timed repeats${fewer('\n  (')}${plan.slowRepeats < plan.repeats ? ', to keep the run short)' : ''}, each a fixed number of
  back-to-back operations sized from the fastest warm-up batch to last about ${plan.targetSec} s
  (at least one operation). Each repeat starts with a barrier; every rank times its own
  operations, and the repeat's figure is the slowest rank's time / operations, i.e. until
  the operation has finished everywhere. Warm-up decisions use the slowest rank's time
  too (a bcast root finishes early); rank 0 makes them, and the control messages and the
  per-rank times travel untimed.
- Each program first checks one result (contents of the bcast, the allreduce sums) and
  exits with an error when it is wrong.
- ranks: \`ranks run -n N lib/coll-ranks.ts\`; typed path: every rank passes a Float64Array
  (non-roots a preallocated one, filled in place); object path: rank 0 passes a plain
  \`number[]\` of 10^7 doubles, the others \`undefined\`; \`allreduce(x, SUM)\` returns a
  new Float64Array, \`allreduce(x, SUM, { into: total })\` fills a preallocated one.
- mpi4py: \`Bcast\` into a preallocated numpy array, \`bcast\` of the numpy array (pickled),
  \`Allreduce(x, total, op=MPI.SUM)\` into a preallocated array, under Open MPI's mpiexec
  (\`--oversubscribe\` on more ranks than cores). C: coll.c built with \`mpicc.mpich\`, run
  with \`mpiexec.mpich\`.
- 4 ranks on a 2-core machine are oversubscribed on purpose: MPI ranks that busy-poll then
  share cores, which is what a barrier on 4 ranks there mostly measures.
- For reference, the seed's mpi4py table for the bcast of 10^7 float64: 0.068 s with
  \`Bcast\` vs 0.19 s with pickled \`bcast\` (another machine).`,
  ];
}
