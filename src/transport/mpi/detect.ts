// Is this process a rank of an MPI job, and which ranks of the job run ranks (the
// others — C or mpi4py programs in the same mpiexec — get plain MPI messages)?

/**
 * True when an MPI launcher started this process: MPICH's hydra (PMI_RANK), Open MPI
 * (OMPI_COMM_WORLD_RANK), Slurm with PMIx or PMI2 (PMIX_RANK, PMI_RANK), or
 * RANKS_TRANSPORT=mpi. RANKS_TRANSPORT=threads turns detection off.
 */
export function underMpi(env: NodeJS.ProcessEnv = process.env): boolean {
  const forced = env.RANKS_TRANSPORT;
  if (forced === 'mpi') return true;
  if (forced !== undefined && forced !== '') return false;
  return env.OMPI_COMM_WORLD_RANK !== undefined || env.PMI_RANK !== undefined || env.PMIX_RANK !== undefined;
}

/** Parses `0-3,5,8-9` (or `all`) into sorted world ranks below `size`; undefined for `all`. */
export function parseRanks(spec: string, size: number): number[] | undefined {
  if (spec.trim() === 'all') return undefined;
  const out = new Set<number>();
  for (const part of spec.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new RangeError(`RANKS_MPI_PEERS: cannot read '${part}'; expected e.g. 0-3,5 or all`);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    for (let r = lo; r <= hi && r < size; r++) out.add(r);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * The world ranks that run ranks, or undefined when all do. RANKS_MPI_PEERS says so
 * explicitly; otherwise, under Open MPI, the ranks of this process's own app context
 * (the `-n N node app.js` part of `mpiexec A : B : C`); otherwise every rank.
 */
export function ranksPeers(size: number, rank: number, env: NodeJS.ProcessEnv = process.env): number[] | undefined {
  if (env.RANKS_MPI_PEERS) {
    const list = parseRanks(env.RANKS_MPI_PEERS, size);
    if (list && !list.includes(rank)) throw new RangeError(`RANKS_MPI_PEERS=${env.RANKS_MPI_PEERS} leaves out this rank (${rank})`);
    return list;
  }
  const apps = Number(env.OMPI_NUM_APP_CTX ?? 1);
  const sizes = (env.OMPI_APP_CTX_NUM_PROCS ?? '').trim().split(/\s+/).map(Number);
  if (apps > 1 && sizes.length === apps && sizes.every((n) => Number.isInteger(n) && n > 0)) {
    let first = 0;
    for (const n of sizes) {
      if (rank < first + n) return Array.from({ length: n }, (_, i) => first + i);
      first += n;
    }
  }
  return undefined;
}

/**
 * Which launcher started this process, in words (for `ranks info`), or undefined when none
 * did: Slurm's srun with its PMIx or PMI2 plugin (told by PMIx's `slurm.pmix.` namespace or
 * PMI2's PMI_JOBID), with the job, step and node; Open MPI's mpiexec; MPICH's hydra.
 */
export function launcherName(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const where = env.SLURM_JOB_ID !== undefined && env.SLURM_STEP_ID !== undefined ? `, Slurm job ${env.SLURM_JOB_ID} step ${env.SLURM_STEP_ID} on ${env.SLURMD_NODENAME ?? 'an unnamed node'}` : '';
  if (env.OMPI_COMM_WORLD_RANK !== undefined) return `Open MPI's mpiexec${where}`;
  if (env.PMIX_NAMESPACE?.startsWith('slurm.pmix.')) return `Slurm srun --mpi=pmix${where}`;
  if (env.PMI_RANK !== undefined && env.PMI_JOBID !== undefined && where) return `Slurm srun --mpi=pmi2${where}`;
  if (env.PMI_RANK !== undefined && env.HYDI_CONTROL_FD !== undefined) return `MPICH's hydra (mpiexec)${where}`;
  if (env.PMIX_RANK !== undefined) return `a PMIx launcher${where}`;
  if (env.PMI_RANK !== undefined) return `a PMI launcher${where}`;
  if (env.RANKS_TRANSPORT === 'mpi') return 'RANKS_TRANSPORT=mpi';
  return undefined;
}
