// Turning farm runs into the summary rows and the family's table.
import { markdownTable, sig3, speedup, withSpread } from './format.ts';
import { summarize } from './stats.ts';
import type { SummaryRow } from './types.ts';

/** One implementation's runs: wall seconds for all FARM_JOBS jobs, per repeat. */
export interface FarmImpl {
  name: string;
  /** The command line, for people. */
  command: string;
  status: 'ok' | 'not run' | 'failed';
  reason?: string;
  seconds: number[];
}

const JOBS = 2000;
const RANKS = 'ranks farm';
const PEERS = ['xargs -P, sh -c per job', 'xargs -P, exec true', 'GNU parallel'];

function rate(i: FarmImpl): string {
  const s = summarize(i.seconds);
  return withSpread(`${Math.round(JOBS / s.median)} jobs/s`, String(Math.round(JOBS / s.max)), String(Math.round(JOBS / s.min)));
}

function cell(i: FarmImpl | undefined, name: string): string {
  if (!i) return `${name}: not run`;
  return i.status === 'ok' && i.seconds.length ? `${name} ${rate(i)}` : `${name}: ${i.status} (${i.reason ?? ''})`;
}

/** Rows: ranks farm (both spawn paths) against each peer. */
export function farmSummaryRows(impls: FarmImpl[], jobs: number): SummaryRow[] {
  const by = new Map(impls.map((i) => [i.name, i]));
  const rows: SummaryRow[] = [];
  const pairs: [string, string][] = [...PEERS.map((p): [string, string] => [RANKS, p]), [`${RANKS} --spawn-from workers`, RANKS]];
  for (const [mine, theirs] of pairs) {
    const a = by.get(mine);
    const b = by.get(theirs);
    const ran = (i: FarmImpl | undefined): i is FarmImpl => i?.status === 'ok' && i.seconds.length > 0;
    rows.push({
      benchmark: `farm: ${JOBS} \`true\` jobs, -j ${jobs}`,
      ranks: cell(a, mine),
      peer: cell(b, theirs),
      ratio: ran(a) && ran(b) ? speedup(summarize(b.seconds).median / summarize(a.seconds).median) : '–',
      // ranks farm against xargs -P (issue 21: at least xargs' rate); the rest is reported.
      goal: mine === RANKS && theirs.startsWith('xargs') ? '>= xargs -P' : 'report',
      verdict: !(ran(a) && ran(b))
        ? 'n/a'
        : mine === RANKS && theirs.startsWith('xargs')
          ? summarize(a.seconds).median <= summarize(b.seconds).median
            ? 'met'
            : 'not met'
          : 'report',
    });
  }
  return rows;
}

/** The family's table: every implementation's rate and wall time, and how each was run. */
export function farmTables(impls: FarmImpl[], jobs: number, repeats: number): string[] {
  const ranks = impls.find((i) => i.name === RANKS && i.status === 'ok' && i.seconds.length);
  const rows = impls.map((i) => {
    if (i.status !== 'ok' || !i.seconds.length) return [i.name, `**${i.status}**: ${i.reason ?? ''}`, '–', '–', `\`${i.command}\``];
    const s = summarize(i.seconds);
    const vs = ranks
      ? speedup(s.median / summarize(ranks.seconds).median)
          .replace('faster', 'faster than it')
          .replace('slower', 'slower than it')
      : '–';
    return [i.name, rate(i), withSpread(`${sig3(s.median)} s`, sig3(s.min), sig3(s.max)), i === ranks ? '–' : `ranks farm is ${vs}`, `\`${i.command}\``];
  });
  return [
    `### farm: ${JOBS} \`true\` jobs, ${jobs} at a time (median, min–max over ${repeats} repeats, interleaved)\n\n${markdownTable(['implementation', 'rate', 'wall', 'vs ranks farm', 'command'], rows)}`,
    [
      '- Wall time of the whole command, from spawn to exit: process start-up included for every side.',
      '- `ranks farm`, GNU parallel and the first xargs row start a `/bin/sh -c` per job; the last xargs row execs `true` directly.',
      '- `ranks farm` spawns jobs from its main thread by default; `--spawn-from workers` spawns them from pool worker threads, one per job slot.',
      '  Forking a process whose other threads are running costs more (page tables, copy-on-write faults), which the main-thread path avoids.',
    ].join('\n'),
  ];
}
