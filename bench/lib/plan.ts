// How long and how often each message size is measured. The same plan drives every
// implementation (TypeScript, C, Python) through the same positional arguments.

/** Message sizes of the p2p family: 8 B .. 64 MiB. */
export const P2P_SIZES: readonly number[] = [8, 64, 1 << 10, 8 << 10, 64 << 10, 1 << 20, 8 << 20, 64 << 20];

/** Measurement plan of one run. */
export interface Plan {
  /** Timed repeats per size; the median and spread are taken over these. */
  repeats: number;
  /** Target duration of one timed repeat, seconds; the round trips per repeat follow from it. */
  targetSec: number;
  /** Minimum warm-up per size, seconds (also calibrates the round trips per repeat). */
  warmSec: number;
  /** JIT warm-up before the first size: up to this many 8-byte round trips ... */
  jitIters: number;
  /** ... or this many seconds, whichever comes first. */
  jitSec: number;
  /** Sizes to measure, bytes, ascending. */
  sizes: number[];
}

/** The plan of a full run (about 20 s per implementation) or of a `--quick` one (about 5 s). */
export function planFor(quick: boolean): Plan {
  return quick
    ? { repeats: 5, targetSec: 0.04, warmSec: 0.08, jitIters: 100_000, jitSec: 1, sizes: [...P2P_SIZES] }
    : { repeats: 7, targetSec: 0.2, warmSec: 0.3, jitIters: 300_000, jitSec: 3, sizes: [...P2P_SIZES] };
}

/** The plan as positional arguments: repeats targetSec warmSec jitIters jitSec size... */
export function planArgs(plan: Plan): string[] {
  return [plan.repeats, plan.targetSec, plan.warmSec, plan.jitIters, plan.jitSec, ...plan.sizes].map(String);
}

/** Reads the positional arguments written by `planArgs`. */
export function parsePlanArgs(args: readonly string[]): Plan {
  const n = args.map(Number);
  if (n.length < 6 || n.some((x) => !Number.isFinite(x) || x <= 0)) {
    throw new Error(`Expected: repeats targetSec warmSec jitIters jitSec size..., got ${JSON.stringify(args)}`);
  }
  const [repeats, targetSec, warmSec, jitIters, jitSec, ...sizes] = n as [number, number, number, number, number, ...number[]];
  return { repeats, targetSec, warmSec, jitIters, jitSec, sizes };
}
