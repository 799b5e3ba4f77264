// Parallel I/O bench, one run, side by side (see bench/README.md "Parallel I/O"):
// - a large file (--mib, default 512 MiB) written with writeAtAll + sync and read back
//   with readAtAll over 2 and 4 ranks: ranks on threads, processes and Open MPI
//   (MPI_File_*), mpi4py's Write_at_all/Read_at_all, and one `dd` of the same size
//   (conv=fdatasync: what the device takes);
// - many small interleaved 4 KiB blocks (--rounds per rank, default 1024): writeAtAll
//   (collective, aggregated on threads and processes) against writeAt (independent).
//
//   node --import tsx bench/io.ts [--mib 512] [--rounds 1024]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const flag = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const MIB = flag('--mib', 512);
const ROUNDS = flag('--rounds', 1024);
const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));
const root = here('..');
const env = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };
const dir = mkdtempSync(join(tmpdir(), 'ranks-bench-io-'));
const file = join(dir, 'bench.dat');

type Runner = { name: string; argv: (n: number, args: string[]) => string[] };
const RANKS = [process.execPath, '--import', 'tsx', here('io-rank.ts')];
const runners: Runner[] = [
  { name: 'ranks threads', argv: (n, a) => [process.execPath, join(root, 'bin/ranks.js'), 'run', '-n', String(n), here('io-rank.ts'), ...a] },
  {
    name: 'ranks processes',
    argv: (n, a) => [process.execPath, join(root, 'bin/ranks.js'), 'run', '-n', String(n), '--transport', 'processes', here('io-rank.ts'), ...a],
  },
  { name: 'ranks Open MPI', argv: (n, a) => ['mpiexec.openmpi', '--oversubscribe', '-n', String(n), ...RANKS, ...a] },
  { name: 'mpi4py Open MPI', argv: (n, a) => ['mpiexec.openmpi', '--oversubscribe', '-n', String(n), '/usr/bin/python3', here('io.py'), ...a] },
];

function run(argv: string[]): Record<string, number> {
  rmSync(file, { force: true });
  const r = spawnSync(argv[0]!, argv.slice(1), { cwd: root, env, encoding: 'utf8', timeout: 600_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`${argv.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Record<string, number>;
}

function timeCmd(cmd: string): number {
  const t0 = performance.now();
  const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd}: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
}

const gbs = (bytes: number, s: number): string => `${(bytes / s / 1e9).toFixed(2)} GB/s (${s.toFixed(2)} s)`;
const bytes = MIB * 2 ** 20;
const start = loadavg()
  .map((x) => x.toFixed(2))
  .join(', ');
const large: string[] = ['| ranks | who | write + sync | read |', '| --- | --- | --- | --- |'];
const small: string[] = [
  '| ranks | who | writeAtAll (collective) per round | writeAt (independent) per round | collective / independent |',
  '| --- | --- | --- | --- | --- |',
];
try {
  const ddWrite = timeCmd(`dd if=/dev/zero of=${file} bs=4M count=${MIB / 4} conv=fdatasync status=none`);
  const ddRead = timeCmd(`dd if=${file} of=/dev/null bs=4M status=none`);
  large.push(`| 1 | dd bs=4M | ${gbs(bytes, ddWrite)} | ${gbs(bytes, ddRead)} |`);
  for (const n of [2, 4]) {
    for (const r of runners) {
      const got = run(r.argv(n, ['large', file, String(bytes / n)]));
      large.push(`| ${n} | ${r.name} | ${gbs(bytes, got.write!)} | ${gbs(bytes, got.read!)} |`);
      console.error(large.at(-1));
    }
  }
  for (const n of [2, 4]) {
    for (const r of runners) {
      const got = run(r.argv(n, ['small', file, String(ROUNDS)]));
      const us = (s: number): string => `${((s / ROUNDS) * 1e6).toFixed(1)} µs`;
      small.push(`| ${n} | ${r.name} | ${us(got.collective!)} | ${us(got.independent!)} | ${(got.collective! / got.independent!).toFixed(2)}x |`);
      console.error(small.at(-1));
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `Parallel I/O, ${MIB} MiB file; ${ROUNDS} rounds of one 4 KiB block per rank. Load average at start ${start}, at end ${loadavg()
    .map((x) => x.toFixed(2))
    .join(', ')}.\n`,
);
console.log(large.join('\n'));
console.log('');
console.log(small.join('\n'));
