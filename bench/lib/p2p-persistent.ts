// Persistent requests beside plain sends and receives: the same ping-pong with the data
// messages going through sendInit/recvInit (started every round trip; ranks) or
// Send_init/Recv_init (mpi4py), at 8 B and 1 MiB, on the threads transport and under
// each MPI. The plain figures are the p2p family's own, measured in the same run.
import { join } from 'node:path';
import { formatBytes, markdownTable, speedup } from './format.ts';
import { MPI_ENV, mpi4pyLauncher, mpiexecOf } from './mpi.ts';
import { RANKS, RANKS_MPICH, RANKS_OMPI } from './p2p-report.ts';
import { planArgs, type Plan } from './plan.ts';
import { runJson } from './proc.ts';
import { summarize } from './stats.ts';
import type { ImplResult, SummaryRow } from './types.ts';

export const PERSISTENT_SIZES = [8, 1 << 20];
const PERSISTENT_ENV = { RANKS_BENCH_PERSISTENT: '1' };

interface Options {
  benchDir: string;
  timeoutMs: number;
  log: (line: string) => void;
}

/** Runs the persistent variants; returns them with their rows against the plain runs in `plain`. */
export async function persistentFamily(
  plan: Plan,
  plain: ImplResult[],
  options: Options,
): Promise<{ impls: ImplResult[]; rows: SummaryRow[]; section: string }> {
  const args = planArgs({ ...plan, sizes: PERSISTENT_SIZES });
  const cwd = options.benchDir;
  const cli = join(cwd, '..', 'bin', 'ranks.js');
  const ranksScript = join(cwd, 'lib', 'p2p-ranks.ts');
  const runs: { name: string; plain: string; run: () => Promise<ImplResult> }[] = [
    {
      name: `${RANKS} persistent`,
      plain: RANKS,
      run: () =>
        runJson(`${RANKS} persistent`, process.execPath, [cli, 'run', '-n', '2', 'lib/p2p-ranks.ts', ...args], {
          cwd,
          env: { ...process.env, ...PERSISTENT_ENV },
          timeoutMs: options.timeoutMs,
        }),
    },
  ];
  for (const [flavor, name] of [
    ['MPICH', RANKS_MPICH],
    ['Open MPI', RANKS_OMPI],
  ] as const) {
    const mpiexec = mpiexecOf(flavor);
    if (!mpiexec) continue;
    runs.push({
      name: `${name} persistent`,
      plain: name,
      run: () =>
        runJson(`${name} persistent`, mpiexec, ['-n', '2', process.execPath, '--import', 'tsx', ranksScript, ...args], {
          cwd,
          env: { ...MPI_ENV, ...PERSISTENT_ENV },
          timeoutMs: options.timeoutMs,
        }),
    });
  }
  const py = mpi4pyLauncher();
  if (py.ok)
    runs.push({
      name: 'mpi4py persistent',
      plain: 'mpi4py',
      run: () =>
        runJson('mpi4py persistent', py.mpiexec, ['-n', '2', py.python, join(cwd, 'lib', 'pingpong.py'), ...args], {
          cwd,
          env: { ...MPI_ENV, ...PERSISTENT_ENV },
          timeoutMs: options.timeoutMs,
        }),
    });

  const impls: ImplResult[] = [];
  const rows: SummaryRow[] = [];
  const table: string[][] = [];
  for (const r of runs) {
    options.log(`p2p: ${r.name}`);
    const result = await r.run();
    impls.push(result);
    options.log(result.status === 'ok' ? `p2p: ${r.name} done in ${result.seconds.toFixed(1)} s` : `p2p: ${r.name} ${result.status}: ${result.reason}`);
    const base = plain.find((p) => p.name === r.plain);
    for (const bytes of PERSISTENT_SIZES) {
      const a = median(result, bytes);
      const b = base && median(base, bytes);
      const cell = (name: string, m: number | undefined): string => `${name} ${m === undefined ? 'not run' : `${m.toPrecision(3)} µs`}`;
      const ratio = a !== undefined && b !== undefined ? speedup(b / a) : '–';
      rows.push({
        benchmark: `p2p persistent ping-pong ${formatBytes(bytes)} one-way, 2 ranks`,
        ranks: cell(r.name, a),
        peer: cell(r.plain, b),
        ratio,
        goal: 'report',
        verdict: a !== undefined && b !== undefined ? 'report' : 'n/a',
      });
      table.push([formatBytes(bytes), r.plain, b === undefined ? '–' : b.toPrecision(3), a === undefined ? '–' : a.toPrecision(3), ratio]);
    }
  }
  const section = [
    '### Persistent requests (one-way µs, median of the repeats)',
    '',
    'The ping-pong with its data messages through persistent requests (`sendInit`/`recvInit` made once per batch, `start()` then `wait()` every round trip; mpi4py: `Send_init`/`Recv_init`, `Start`, `Wait`) beside the plain `send`/`recv` of the same run. A persistent start checks nothing and builds no envelope: the send path on threads allocates nothing per start.',
    '',
    markdownTable(['size', 'implementation', 'plain', 'persistent', 'persistent vs plain'], table),
  ].join('\n');
  return { impls, rows, section };
}

function median(r: ImplResult, bytes: number): number | undefined {
  if (r.status !== 'ok') return undefined;
  const s = r.sizes.find((x) => x.bytes === bytes);
  return s && s.samples.length ? summarize(s.samples).median : undefined;
}
