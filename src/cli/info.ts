import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { launcherName, underMpi } from '../transport/mpi/detect.ts';
import { loadMpiLibrary } from '../transport/mpi/library.ts';

// The MPI library world() would use under mpiexec (loading it does not start MPI).
function mpiLine(): string {
  try {
    const m = loadMpiLibrary();
    const here = underMpi() ? ` (this process runs under ${launcherName() ?? 'an MPI launcher'})` : '';
    return `  mpi        usable under mpiexec/srun${here}: ${m.version} (${m.path}, ${m.family === 'openmpi' ? 'Open MPI' : 'MPICH'} ABI)`;
  } catch (err) {
    return `  mpi        not usable: ${(err as Error).message}`;
  }
}

/** `ranks info`: what this machine offers ranks. */
export function info(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return [
    `ranks ${pkg.version} on Node.js ${process.version} (${process.platform}-${process.arch})`,
    `cores: ${availableParallelism()} (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), memory: ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    'transports:',
    '  threads    usable (default): ranks are worker threads sharing memory',
    '  processes  usable: ranks are child processes over Unix domain sockets (--transport processes)',
    mpiLine(),
  ].join('\n');
}
