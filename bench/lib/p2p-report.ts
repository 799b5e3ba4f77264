// Turning p2p ping-pong results into the summary rows, the per-size tables and the chart.
import { formatBytes, formatMicros, formatRatio, markdownTable, sig3, speedup, withSpread } from './format.ts';
import { gbps, summarize, type Summary } from './stats.ts';
import type { Line, Panel } from './svg.ts';
import type { ImplResult, SummaryRow } from './types.ts';

/** The ranks side's name in tables and the chart. */
export const RANKS = 'ranks threads';
/** ranks over child processes and Unix sockets, reported beside the threads transport. */
export const RANKS_PROCESSES = 'ranks processes';
/** ranks over the MPI transport, under each MPI's mpiexec. */
export const RANKS_MPICH = 'ranks MPICH';
export const RANKS_OMPI = 'ranks Open MPI';

/** Chart colours of the implementations. */
const COLORS: Record<string, string> = {
  [RANKS]: '#d62728',
  [RANKS_PROCESSES]: '#ff7f0e',
  [RANKS_MPICH]: '#9467bd',
  [RANKS_OMPI]: '#8c564b',
  postMessage: '#7f7f7f',
  'C MPICH': '#1f77b4',
  'C Open MPI': '#17becf',
  mpi4py: '#2ca02c',
};

type Ok = Extract<ImplResult, { status: 'ok' }>;

function ok(r: ImplResult | undefined): r is Ok {
  return r?.status === 'ok';
}

function at(r: Ok, bytes: number): Summary | undefined {
  const s = r.sizes.find((x) => x.bytes === bytes);
  return s && s.samples.length > 0 ? summarize(s.samples) : undefined;
}

function latencyCell(s: Summary | undefined): string {
  return s ? formatMicros(s.median, s.min, s.max) : '–';
}

function bandwidthCell(bytes: number, s: Summary | undefined): string {
  return s ? withSpread(`${sig3(gbps(bytes, s.median))} GB/s`, sig3(gbps(bytes, s.max)), sig3(gbps(bytes, s.min))) : '–';
}

function notRunCell(r: ImplResult | undefined, name: string): string {
  return r && r.status !== 'ok' ? `${name}: ${r.status} (${r.reason})` : `${name}: not run`;
}

interface Claim {
  /** The ranks implementation the claim is about (default: the threads transport). */
  ranks?: string;
  peer: string;
  goal: string;
  /** Whether the goal holds, given ranks' and the peer's medians; undefined: report only. */
  check?: (ranks: number, peer: number) => boolean;
}

const LATENCY_BYTES = 8;
const BANDWIDTH_BYTES = 8 << 20;

const LATENCY_CLAIMS: Claim[] = [
  { peer: 'postMessage', goal: '<= 1.0 µs, >= 15x faster than postMessage', check: (r, p) => r <= 1.0 && p / r >= 15 },
  { peer: 'mpi4py', goal: 'stretch: <= mpi4py buffer path', check: (r, p) => r <= p },
  { peer: 'C MPICH', goal: 'report' },
  { peer: 'C Open MPI', goal: 'report' },
  // The MPI transport, against mpi4py (Debian's is built on Open MPI) and C under the same MPI.
  { ranks: RANKS_OMPI, peer: 'mpi4py', goal: '<= mpi4py buffer path + 0.5 µs', check: (r, p) => r <= p + 0.5 },
  { ranks: RANKS_OMPI, peer: 'C Open MPI', goal: 'report' },
  { ranks: RANKS_MPICH, peer: 'C MPICH', goal: '<= C MPICH + 0.3 µs', check: (r, p) => r <= p + 0.3 },
];

/** The processes transport, beside the threads transport and postMessage (report only). */
const PROCESSES_CLAIMS: Claim[] = [
  { peer: RANKS, goal: 'report' },
  { peer: 'postMessage', goal: 'report' },
];

const BANDWIDTH_CLAIMS: Claim[] = [
  { peer: 'C MPICH', goal: '>= 0.8x of C MPICH', check: (r, p) => r / p >= 0.8 },
  { peer: 'C Open MPI', goal: 'report' },
  { peer: 'mpi4py', goal: '>= 1x of mpi4py', check: (r, p) => r >= p },
  { peer: 'postMessage', goal: 'report' },
  { ranks: RANKS_MPICH, peer: 'C MPICH', goal: '>= 0.9x of C MPICH', check: (r, p) => r / p >= 0.9 },
  { ranks: RANKS_OMPI, peer: 'C Open MPI', goal: '>= 0.9x of C Open MPI', check: (r, p) => r / p >= 0.9 },
  { ranks: RANKS_OMPI, peer: 'mpi4py', goal: 'report' },
];

/** The summary rows: 8 B latency and 8 MiB bandwidth against every peer, for the threads transport, then the processes and MPI transports'. */
export function summaryRows(results: ImplResult[]): SummaryRow[] {
  const of = (claims: Claim[], name: string | undefined): Claim[] => claims.filter((c) => c.ranks === name);
  return [
    ...rowsFor(RANKS, of(LATENCY_CLAIMS, undefined), of(BANDWIDTH_CLAIMS, undefined), results),
    ...rowsFor(RANKS_PROCESSES, PROCESSES_CLAIMS, PROCESSES_CLAIMS, results),
    ...[RANKS_MPICH, RANKS_OMPI].flatMap((name) => rowsFor(name, of(LATENCY_CLAIMS, name), of(BANDWIDTH_CLAIMS, name), results)),
  ];
}

function rowsFor(name: string, latencyClaims: Claim[], bandwidthClaims: Claim[], results: ImplResult[]): SummaryRow[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  const ranks = byName.get(name);
  const rows: SummaryRow[] = [];
  if (!ranks) return rows;
  for (const c of latencyClaims) {
    const peer = byName.get(c.peer);
    if ((!peer || !ranks) && c.goal === 'report') continue;
    const a = ok(ranks) ? at(ranks, LATENCY_BYTES) : undefined;
    const b = ok(peer) ? at(peer, LATENCY_BYTES) : undefined;
    rows.push({
      benchmark: `p2p latency ${formatBytes(LATENCY_BYTES)} one-way, 2 ranks`,
      ranks: a ? `${name} ${latencyCell(a)}` : notRunCell(ranks, name),
      peer: b ? `${c.peer} ${latencyCell(b)}` : notRunCell(peer, c.peer),
      ratio: a && b ? speedup(b.median / a.median) : '–',
      goal: c.goal,
      verdict: verdict(c, a?.median, b?.median),
    });
  }
  for (const c of bandwidthClaims) {
    const peer = byName.get(c.peer);
    if ((!peer || !ranks) && c.goal === 'report') continue;
    const a = ok(ranks) ? at(ranks, BANDWIDTH_BYTES) : undefined;
    const b = ok(peer) ? at(peer, BANDWIDTH_BYTES) : undefined;
    const bwA = a && gbps(BANDWIDTH_BYTES, a.median);
    const bwB = b && gbps(BANDWIDTH_BYTES, b.median);
    rows.push({
      benchmark: `p2p bandwidth ${formatBytes(BANDWIDTH_BYTES)}, 2 ranks`,
      ranks: a ? `${name} ${bandwidthCell(BANDWIDTH_BYTES, a)}` : notRunCell(ranks, name),
      peer: b ? `${c.peer} ${bandwidthCell(BANDWIDTH_BYTES, b)}` : notRunCell(peer, c.peer),
      ratio: bwA && bwB ? `${formatRatio(bwA / bwB)} of ${c.peer}` : '–',
      goal: c.goal,
      verdict: verdict(c, bwA, bwB),
    });
  }
  return rows;
}

function verdict(c: Claim, ranks: number | undefined, peer: number | undefined): string {
  if (ranks === undefined || peer === undefined) return 'n/a';
  if (!c.check) return 'report';
  return c.check(ranks, peer) ? 'met' : 'not met';
}

/** Per-size tables (latency and bandwidth, every implementation side by side) and notes. */
export function sizeTables(results: ImplResult[], sizes: number[], repeats: number): string[] {
  const ran = results.filter(ok);
  const header = ['size', ...ran.map((r) => r.name)];
  const latency = sizes.map((b) => [formatBytes(b), ...ran.map((r) => latencyCell(at(r, b)))]);
  const bandwidth = sizes.map((b) => [formatBytes(b), ...ran.map((r) => bandwidthCell(b, at(r, b)))]);
  const notes = results.map((r) =>
    r.status === 'ok' ? `- ${r.name}: ${r.library ?? 'ran'} (${sig3(r.seconds)} s)` : `- ${r.name}: **${r.status}** — ${r.reason}`,
  );
  return [
    `### p2p one-way latency by size (median, min–max over ${repeats} repeats)\n\n${markdownTable(header, latency)}`,
    `### p2p bandwidth by size (size / one-way time; median, min–max)\n\n${markdownTable(header, bandwidth)}`,
    `### p2p implementations\n\n${notes.join('\n')}`,
  ];
}

/** The two chart panels: latency (log y) and bandwidth (linear y) versus size. */
export function chartPanels(results: ImplResult[]): Panel[] {
  const ran = results.filter(ok);
  const lines = (f: (bytes: number, s: Summary) => [number, number, number]): Line[] =>
    ran.map((r) => ({
      name: r.name,
      color: COLORS[r.name] ?? '#9467bd',
      points: r.sizes.flatMap((x) => {
        const s = at(r, x.bytes);
        if (!s) return [];
        const [y, lo, hi] = f(x.bytes, s);
        return [{ x: x.bytes, y, lo, hi }];
      }),
    }));
  return [
    { title: 'One-way latency (ping-pong / 2)', yLabel: 'latency, µs (log scale)', yLog: true, lines: lines((_, s) => [s.median, s.min, s.max]) },
    {
      title: 'Bandwidth (size / one-way time)',
      yLabel: 'bandwidth, GB/s',
      yLog: false,
      lines: lines((b, s) => [gbps(b, s.median), gbps(b, s.max), gbps(b, s.min)]),
    },
  ];
}
