// How long and how often the pool family measures. The same plan drives the ranks
// program (pool-ranks.ts), the Node peers (pool-peers.ts) and pool.py through the same
// positional arguments.

/** Workers in every pool of the tiny-task and round-trip measurements. */
export const POOL_WORKERS = 2;

/** Pool.map's default chunksize (as Python's): about four chunks per worker. */
export function defaultChunksize(tasks: number, workers: number): number {
  return Math.ceil(tasks / (4 * workers));
}

/** Measurement plan of the pool family. */
export interface PoolPlan {
  /** Timed repeats of each throughput and round-trip figure; the median and spread are taken over these. */
  repeats: number;
  /** Tasks per throughput repeat (each a + b). */
  tasks: number;
  /** Untimed throughput batches of `tasks` before the timed ones (JIT, worker start). */
  warmBatches: number;
  /** Round trip: minimum seconds per timed repeat (the calls per repeat follow from the warm-up). */
  targetSec: number;
  /** Round trip: minimum warm-up seconds. */
  warmSec: number;
  /** CPU-bound map: items, each about `cpuItemMs` of arithmetic on one core. */
  cpuItems: number;
  cpuItemMs: number;
  /** CPU-bound map: timed repeats of the serial loop and of the pool's map (after one untimed round of each). */
  cpuRepeats: number;
}

/** The plan of a full run or of a `--quick` one. */
export function poolPlanFor(quick: boolean): PoolPlan {
  return quick
    ? { repeats: 3, tasks: 5_000, warmBatches: 1, targetSec: 0.05, warmSec: 0.05, cpuItems: 8, cpuItemMs: 20, cpuRepeats: 3 }
    : { repeats: 7, tasks: 20_000, warmBatches: 2, targetSec: 0.2, warmSec: 0.3, cpuItems: 16, cpuItemMs: 20, cpuRepeats: 5 };
}

const FIELDS = ['repeats', 'tasks', 'warmBatches', 'targetSec', 'warmSec', 'cpuItems', 'cpuItemMs', 'cpuRepeats'] as const;

/** The plan as positional arguments, in the order of FIELDS. */
export function poolPlanArgs(plan: PoolPlan): string[] {
  return FIELDS.map((f) => String(plan[f]));
}

/** Reads the positional arguments written by `poolPlanArgs`. */
export function parsePoolPlanArgs(args: readonly string[]): PoolPlan {
  const n = args.map(Number);
  if (n.length !== FIELDS.length || n.some((x) => !Number.isFinite(x) || x <= 0)) {
    throw new Error(`Expected: ${FIELDS.join(' ')}, got ${JSON.stringify(args)}`);
  }
  return Object.fromEntries(FIELDS.map((f, i) => [f, n[i]!])) as unknown as PoolPlan;
}
