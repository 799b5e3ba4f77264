// What an MPI launcher tells the processes it starts, read from one table: which launcher,
// this process's rank, the job's size, how many ranks share this node, and which MPI
// library family it belongs to. ranks only reads these (the RANKS_* variables are in
// variables.ts).

/** The two MPI library families ranks knows (see transport/mpi/abi.ts). */
export type Family = 'mpich' | 'openmpi';

/** One launcher's variables. */
export interface LauncherVariables {
  /** Who sets them. */
  readonly name: string;
  /** This process's rank in the job; its presence says the launcher started this process. */
  readonly rank: string;
  /** The job's size. */
  readonly size: string;
  /** How many ranks of the job run on this node. */
  readonly localSize?: string;
  /** The MPI library family to try first under this launcher. */
  readonly family?: Family;
  /** False for a launcher that starts any program, MPI or not (Slurm's srun without PMI). */
  readonly mpi: boolean;
}

/**
 * Every launcher's variables, in the order they are believed when several are set: Open
 * MPI's mpiexec (prterun), PMIx (srun --mpi=pmix), PMI (MPICH's hydra mpiexec and srun
 * --mpi=pmi2), then Slurm's own task variables (rank and size only; they alone do not make
 * this process an MPI rank).
 */
export const LAUNCHERS: readonly LauncherVariables[] = [
  { name: 'Open MPI', rank: 'OMPI_COMM_WORLD_RANK', size: 'OMPI_COMM_WORLD_SIZE', localSize: 'OMPI_COMM_WORLD_LOCAL_SIZE', family: 'openmpi', mpi: true },
  { name: 'PMIx', rank: 'PMIX_RANK', size: 'PMIX_SIZE', family: 'openmpi', mpi: true },
  { name: 'PMI (MPICH hydra, Slurm PMI2)', rank: 'PMI_RANK', size: 'PMI_SIZE', localSize: 'MPI_LOCALNRANKS', family: 'mpich', mpi: true },
  { name: 'Slurm', rank: 'SLURM_PROCID', size: 'SLURM_NTASKS', localSize: 'SLURM_NTASKS_PER_NODE', mpi: false },
];

/** Open MPI's app contexts (`mpiexec -n 1 a : -n 2 b`): how many, and the size of each. */
const APP_CONTEXTS = 'OMPI_NUM_APP_CTX';
const APP_CONTEXT_SIZES = 'OMPI_APP_CTX_NUM_PROCS';

/** What the launcher that started this process says, as far as it says. */
export interface Launcher {
  /** True when an MPI launcher started this process (Open MPI, PMIx or PMI variables). */
  readonly detected: boolean;
  /** The first launcher whose rank variable is set (see LAUNCHERS), if any. */
  readonly name: string | undefined;
  /** This process's rank in the job. */
  readonly rank: number | undefined;
  /** The job's size. */
  readonly size: number | undefined;
  /** Ranks of the job on this node. */
  readonly localSize: number | undefined;
  /** The MPI library family to try first: that of the first launcher whose rank or size variable is set. */
  readonly family: Family | undefined;
  /** Under Open MPI with several app contexts: the size of each, in order. */
  readonly appSizes: readonly number[] | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

function count(text: string | undefined, min: number): number | undefined {
  const n = text === undefined || text.trim() === '' ? NaN : Number(text);
  return Number.isInteger(n) && n >= min ? n : undefined;
}

// The first launcher (in LAUNCHERS' order) that gives a usable value for `field`.
function first(env: Env, field: 'rank' | 'size' | 'localSize', min: number): number | undefined {
  for (const l of LAUNCHERS) {
    const name = l[field];
    const n = name === undefined ? undefined : count(env[name], min);
    if (n !== undefined) return n;
  }
  return undefined;
}

/**
 * Reads the launcher's variables from `env`. Values that are not numbers are taken as
 * absent: these variables belong to the launcher, not to the user.
 *
 * @example
 * readLauncher({ PMI_RANK: '1', PMI_SIZE: '4' }); // { detected: true, rank: 1, size: 4, family: 'mpich', ... }
 */
export function readLauncher(env: Env): Launcher {
  const present = LAUNCHERS.filter((l) => env[l.rank] !== undefined);
  const family = LAUNCHERS.find((l) => l.family && (env[l.rank] !== undefined || env[l.size] !== undefined))?.family;
  const apps = count(env[APP_CONTEXTS], 1) ?? 1;
  const sizes = (env[APP_CONTEXT_SIZES] ?? '')
    .trim()
    .split(/\s+/)
    .map((s) => count(s, 1));
  return {
    detected: present.some((l) => l.mpi),
    name: present[0]?.name,
    rank: first(env, 'rank', 0),
    size: first(env, 'size', 1),
    localSize: first(env, 'localSize', 1),
    family,
    appSizes: apps > 1 && sizes.length === apps && sizes.every((n) => n !== undefined) ? (sizes as number[]) : undefined,
  };
}
