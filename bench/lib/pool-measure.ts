// The measuring loops shared by the pool family's programs (pool-ranks.ts, pool-peers.ts);
// pool.py follows the same steps, so every pool is timed the same way.
import { now } from './measure.ts';
import type { PoolPlan } from './pool-plan.ts';
import type { CallSamples } from './types.ts';

/** Runs `n` tiny tasks (a + b) concurrently, resolving once every result is in. */
export type Burst = (n: number) => Promise<void>;

/** Runs `n` tiny tasks one after the other, each awaited before the next starts. */
export type Sequence = (n: number) => Promise<void>;

/**
 * Throughput: `plan.warmBatches` untimed bursts, then `plan.repeats` timed bursts of
 * `plan.tasks` tasks; each sample is that repeat's tasks per second.
 */
export async function throughput(variant: string, plan: PoolPlan, burst: Burst): Promise<CallSamples> {
  for (let i = 0; i < plan.warmBatches; i++) await burst(plan.tasks);
  const samples: number[] = [];
  for (let r = 0; r < plan.repeats; r++) {
    const t0 = now();
    await burst(plan.tasks);
    samples.push(plan.tasks / (now() - t0));
  }
  return { variant, iters: plan.tasks, samples };
}

/**
 * Round trip: a warm-up that doubles the sequential calls until a batch lasts half the
 * target (and `plan.warmSec` have passed), then `plan.repeats` repeats of at least
 * `plan.targetSec` each; each sample is that repeat's microseconds per call.
 */
export async function roundTrip(variant: string, plan: PoolPlan, sequence: Sequence): Promise<CallSamples> {
  const timed = async (n: number): Promise<number> => {
    const t0 = now();
    await sequence(n);
    return now() - t0;
  };
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
  const samples: number[] = [];
  let total = 0;
  for (let r = 0; r < plan.repeats; r++) {
    let calls = 0;
    let t = 0;
    while (t < plan.targetSec) {
      t += await timed(chunk);
      calls += chunk;
    }
    samples.push((t / calls) * 1e6);
    total += calls;
  }
  return { variant, iters: Math.round(total / plan.repeats), samples };
}
