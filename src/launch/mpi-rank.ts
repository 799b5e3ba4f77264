// `ranks run app.ts` under mpiexec or srun: the launcher has already started one process
// per rank, so this process is a rank. The script runs here, in-process, and world() is
// MPI_COMM_WORLD through the MPI transport.
import { fileURLToPath } from 'node:url';
import { config, reloadConfig } from '../config/config.ts';
import { underMpi } from '../transport/mpi/detect.ts';
import { scriptUrl } from './launch.ts';
import { prepareScript } from './script-loader.ts';

/** True when `ranks run` should run its script as this MPI rank rather than start ranks itself. */
export function runsAsMpiRank(transport: string | undefined): boolean {
  if (transport === 'mpi') return true;
  return transport === undefined && underMpi();
}

/** The job size the MPI launcher gave, when it says. */
export function mpiJobSize(): number | undefined {
  return config().launcher.size;
}

/**
 * Runs `script` with `args` as this MPI rank. `.ts` scripts load through tsx, as under
 * `ranks run` with threads. Resolves when the script's top level has run.
 */
export async function runAsMpiRank(script: string, args: string[]): Promise<void> {
  const url = scriptUrl(script);
  process.env.RANKS_TRANSPORT = 'mpi';
  reloadConfig();
  await prepareScript(url);
  process.argv = [process.argv[0]!, fileURLToPath(url), ...args];
  await import(url);
}
