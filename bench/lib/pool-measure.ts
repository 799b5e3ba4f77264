// The measuring loops shared by the pool family's programs (pool-ranks.ts, pool-peers.ts);
// pool.py follows the same steps, so every pool is timed the same way.
import { now, timeCalls } from './measure.ts';
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
  const { iters, micros } = await timeCalls(plan, async (n) => {
    const t0 = now();
    await sequence(n);
    return now() - t0;
  });
  return { variant, iters, samples: micros };
}

/** Executor.submit's two figures: bursts of N submits awaited together, and the sequential round trip. */
export async function submitFigures(plan: PoolPlan, submit: (i: number) => PromiseLike<unknown>): Promise<{ throughput: CallSamples; roundTrip: CallSamples }> {
  const burst = await throughput('submit', plan, async (n) => {
    const pending: PromiseLike<unknown>[] = [];
    for (let i = 0; i < n; i++) pending.push(submit(i));
    await Promise.all(pending);
  });
  const rt = await roundTrip('submit', plan, async (n) => {
    for (let i = 0; i < n; i++) await submit(i);
  });
  return { throughput: burst, roundTrip: rt };
}
