// How long and how often each collective is measured. The same plan drives the ranks
// script (coll-ranks.ts), coll.py and coll.c through the same positional arguments.

/** Measurement plan of the collectives family. */
export interface CollPlan {
  /** Timed repeats per operation; the median and spread are taken over these. */
  repeats: number;
  /** Target duration of one timed repeat, seconds; the operations per repeat follow from it. */
  targetSec: number;
  /** Minimum warm-up per operation, seconds (also calibrates the operations per repeat). */
  warmSec: number;
  /** An operation whose fastest warm-up run took longer than this many seconds ... */
  slowSec: number;
  /** ... gets only this many repeats (at most `repeats`), so the object path's seconds-long bcast fits the budget. */
  slowRepeats: number;
  /** float64 elements of the bcast (10^7: the seed's table). */
  bcastElements: number;
  /** float64 elements of the allreduce (10^6). */
  allreduceElements: number;
}

/** Rank counts every implementation runs on (4 ranks on a 2-core machine is intended: oversubscribed). */
export const COLL_SIZES: readonly number[] = [2, 4];

/** The plan of a full run or of a `--quick` one; the message sizes stay the same. */
export function collPlanFor(quick: boolean): CollPlan {
  return quick
    ? { repeats: 3, targetSec: 0.05, warmSec: 0.05, slowSec: 1, slowRepeats: 3, bcastElements: 1e7, allreduceElements: 1e6 }
    : { repeats: 7, targetSec: 0.2, warmSec: 0.3, slowSec: 1, slowRepeats: 3, bcastElements: 1e7, allreduceElements: 1e6 };
}

/** The plan as positional arguments: repeats targetSec warmSec slowSec slowRepeats bcastElements allreduceElements. */
export function collPlanArgs(plan: CollPlan): string[] {
  return [plan.repeats, plan.targetSec, plan.warmSec, plan.slowSec, plan.slowRepeats, plan.bcastElements, plan.allreduceElements].map(String);
}

/** Reads the positional arguments written by `collPlanArgs`. */
export function parseCollPlanArgs(args: readonly string[]): CollPlan {
  const n = args.map(Number);
  if (n.length !== 7 || n.some((x) => !Number.isFinite(x) || x <= 0)) {
    throw new Error(`Expected: repeats targetSec warmSec slowSec slowRepeats bcastElements allreduceElements, got ${JSON.stringify(args)}`);
  }
  const [repeats, targetSec, warmSec, slowSec, slowRepeats, bcastElements, allreduceElements] = n as [number, number, number, number, number, number, number];
  return { repeats, targetSec, warmSec, slowSec, slowRepeats, bcastElements, allreduceElements };
}
