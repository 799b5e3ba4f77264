// Is this process a rank of an MPI job, and which ranks of the job run ranks (the
// others — C or mpi4py programs in the same mpiexec — get plain MPI messages)?
import { config, type Config } from '../../config/config.ts';
import { parsePeers, type PeerSpec } from '../../config/variables.ts';
import { ArgumentRangeError } from '../../errors.ts';

/**
 * True when an MPI launcher started this process (see config/launcher.ts: Open MPI, PMIx,
 * PMI), or RANKS_TRANSPORT=mpi. RANKS_TRANSPORT=threads turns detection off.
 */
export function underMpi(c: Config = config()): boolean {
  if (c.transport !== undefined) return c.transport === 'mpi';
  return c.launcher.detected;
}

/** The world ranks below `size` that `spec` (RANKS_MPI_PEERS) lists, sorted; undefined for `all`. */
export function peerRanks(spec: PeerSpec, size: number): number[] | undefined {
  if (spec === 'all') return undefined;
  const out = new Set<number>();
  for (const [lo, hi] of spec) for (let r = lo; r <= hi && r < size; r++) out.add(r);
  return [...out].sort((a, b) => a - b);
}

/** Parses `0-3,5,8-9` (or `all`) into sorted world ranks below `size`; undefined for `all`. */
export function parseRanks(text: string, size: number): number[] | undefined {
  return peerRanks(parsePeers(text), size);
}

/**
 * The world ranks that run ranks, or undefined when all do. RANKS_MPI_PEERS says so
 * explicitly; otherwise, under Open MPI, the ranks of this process's own app context
 * (the `-n N node app.js` part of `mpiexec A : B : C`); otherwise every rank.
 */
export function ranksPeers(size: number, rank: number, c: Config = config()): number[] | undefined {
  if (c.mpiPeers !== undefined) {
    const list = peerRanks(c.mpiPeers, size);
    if (list && !list.includes(rank))
      throw new ArgumentRangeError(`RANKS_MPI_PEERS leaves out this rank (${rank}): it lists ${list.join(',') || 'no rank of this job'}`);
    return list;
  }
  let first = 0;
  for (const n of c.launcher.appSizes ?? []) {
    if (rank < first + n) return Array.from({ length: n }, (_, i) => first + i);
    first += n;
  }
  return undefined;
}

/**
 * Which launcher started this process, in words (for `ranks info`), or undefined when none
 * did: Slurm's srun with its PMIx or PMI2 plugin (told by PMIx's `slurm.pmix.` namespace or
 * PMI2's PMI_JOBID), with the job, step and node; Open MPI's mpiexec; MPICH's hydra.
 */
export function launcherName(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const where =
    env.SLURM_JOB_ID !== undefined && env.SLURM_STEP_ID !== undefined
      ? `, Slurm job ${env.SLURM_JOB_ID} step ${env.SLURM_STEP_ID} on ${env.SLURMD_NODENAME ?? 'an unnamed node'}`
      : '';
  if (env.OMPI_COMM_WORLD_RANK !== undefined) return `Open MPI's mpiexec${where}`;
  if (env.PMIX_NAMESPACE?.startsWith('slurm.pmix.')) return `Slurm srun --mpi=pmix${where}`;
  if (env.PMI_RANK !== undefined && env.PMI_JOBID !== undefined && where) return `Slurm srun --mpi=pmi2${where}`;
  if (env.PMI_RANK !== undefined && env.HYDI_CONTROL_FD !== undefined) return `MPICH's hydra (mpiexec)${where}`;
  if (env.PMIX_RANK !== undefined) return `a PMIx launcher${where}`;
  if (env.PMI_RANK !== undefined) return `a PMI launcher${where}`;
  if (env.RANKS_TRANSPORT === 'mpi') return 'RANKS_TRANSPORT=mpi';
  return undefined;
}
