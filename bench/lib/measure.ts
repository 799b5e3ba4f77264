// The measuring loop shared by the TypeScript ping-pongs; pingpong.c and pingpong.py
// follow the same steps, so every implementation is timed the same way.
import type { Plan } from './plan.ts';
import type { SizeSamples } from './types.ts';

/** Runs `n` round trips of `bytes`-byte messages and resolves with the elapsed seconds. */
export type Batch = (bytes: number, n: number) => Promise<number>;

const JIT_CHUNK = 10_000;

/** Now, in seconds (monotonic). */
export function now(): number {
  return performance.now() / 1000;
}

/**
 * Measures every size of `plan` with `batch`: a JIT warm-up at the smallest size, then per
 * size a warm-up that doubles the round trips until a batch lasts half the target (and
 * `plan.warmSec` have passed), then `plan.repeats` timed repeats of at least `plan.targetSec`
 * each, made of batches sized from the fastest warm-up round trip.
 */
export async function measureAll(plan: Plan, batch: Batch): Promise<SizeSamples[]> {
  const first = plan.sizes[0] ?? 8;
  const jitStart = now();
  for (let done = 0; done < plan.jitIters && now() - jitStart < plan.jitSec; done += JIT_CHUNK) {
    await batch(first, JIT_CHUNK);
  }
  const out: SizeSamples[] = [];
  for (const bytes of plan.sizes) out.push(await measureSize(plan, bytes, batch));
  return out;
}

async function measureSize(plan: Plan, bytes: number, batch: Batch): Promise<SizeSamples> {
  const { iters, micros } = await timeCalls(plan, (n) => batch(bytes, n));
  // A round trip is two one-way trips.
  return { bytes, iters, samples: micros.map((us) => us / 2) };
}

/** How long and how often `timeCalls` measures. */
export interface TimingPlan {
  repeats: number;
  targetSec: number;
  warmSec: number;
}

/**
 * Times calls with `timed(n)` (the seconds `n` calls take): a warm-up that doubles the
 * calls until a batch lasts half the target (and `warmSec` have passed), then `repeats`
 * repeats of at least `targetSec` each. Each repeat runs chunks of a quarter of the target
 * (at the fastest speed seen) until the target time has passed, so a slow warm-up cannot
 * shrink it, nor a lucky one stretch it much. Returns microseconds per call per repeat,
 * and the calls per repeat on average.
 */
export async function timeCalls(plan: TimingPlan, timed: (n: number) => Promise<number>): Promise<{ iters: number; micros: number[] }> {
  let n = 1;
  let warm = 0;
  let best = Infinity;
  for (;;) {
    const dt = await timed(n);
    warm += dt;
    best = Math.min(best, dt / n);
    if (warm >= plan.warmSec && dt >= plan.targetSec / 2) break;
    if (dt < plan.targetSec / 2) n *= 2;
  }
  const chunk = Math.max(1, Math.round(plan.targetSec / 4 / best));
  const micros: number[] = [];
  let total = 0;
  for (let r = 0; r < plan.repeats; r++) {
    let calls = 0;
    let t = 0;
    while (t < plan.targetSec) {
      t += await timed(chunk);
      calls += chunk;
    }
    micros.push((t / calls) * 1e6);
    total += calls;
  }
  return { iters: Math.round(total / plan.repeats), micros };
}
