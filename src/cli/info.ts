import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';

const MPI_CANDIDATES = [
  '/usr/lib/x86_64-linux-gnu/libmpich.so.12',
  '/usr/lib/x86_64-linux-gnu/libmpi.so.40',
  '/usr/lib/aarch64-linux-gnu/libmpich.so.12',
  '/usr/lib/aarch64-linux-gnu/libmpi.so.40',
  '/usr/lib64/libmpi.so.12',
  '/usr/lib64/libmpi.so.40',
];

/** `ranks info`: what this machine offers ranks. */
export function info(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const mpi = process.env.RANKS_MPI_LIB ?? MPI_CANDIDATES.find((p) => existsSync(p));
  return [
    `ranks ${pkg.version} on Node.js ${process.version} (${process.platform}-${process.arch})`,
    `cores: ${availableParallelism()} (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    'transports:',
    '  threads    usable (default): ranks are worker threads sharing memory',
    '  processes  usable: ranks are child processes over Unix domain sockets (--transport processes)',
    `  mpi        not built yet; MPI library ${mpi ? `found: ${mpi}` : 'not found'}`,
  ].join('\n');
}
