import type { Bar } from './progress.ts';
import { callCount, type Calls } from './packed-calls.ts';
import { valuesOf, type ChunkOutcome } from './protocol.ts';
import type { Scheduler, StopOptions } from './scheduler.ts';
import type { Task } from './tasks.ts';

/**
 * `task` over every argument list in `calls`, in chunks of `chunksize` with one future per
 * chunk (no Future and no promise per call): every result in order, or the first failed
 * call's error. With `bar`, a progress bar of the calls, stopped when the promise settles.
 */
export function mapCalls<R>(
  scheduler: Scheduler,
  task: Task,
  calls: Calls,
  chunksize: number,
  stop: StopOptions | undefined,
  bar: Bar | undefined,
): Promise<R[]> {
  const futures = scheduler.submit<ChunkOutcome>(task, calls, chunksize, stop, true);
  const count = callCount(calls);
  const all = Promise.all(futures.map((f) => f.result())).then((chunks) => valuesOf<R>(chunks));
  if (!bar) return all;
  let done = 0;
  bar.update(0, count);
  futures.forEach((f, i) => f.addDoneCallback(() => bar.update((done += Math.min(chunksize, count - i * chunksize)), count)));
  return all.finally(() => bar.stop());
}
