// What a pool's scheduler works with, handed to it from outside: the channel to its
// workers, the host that runs them, and how to forget a replaced one. Pool and Executor
// give it the world poolWorld() starts; a test gives it a fake one.
import type { Request } from '../comm/request.ts';
import type { WorkerHost } from './host.ts';
import { poolWorld } from './hosts.ts';
import type { SchedulerOptions } from './options.ts';
import { Scheduler } from './scheduler.ts';
import { spawnedPoolWorld, spawnsThroughMpi } from '../spawn/pool.ts';

/** What the scheduler (rank 0) does with its communicator: send chunks and stop messages to a worker, hear the workers' results. A Communicator is one. */
export interface PoolLink {
  isend(value: unknown, dest: number, options: { tag: number }): Request<void>;
  irecv<T>(options: { tag: number }): Request<T>;
}

/** A scheduler's world: rank 0's link to worker ranks 1..size, the host that runs them, and how to forget a replaced worker's channels. */
export interface SchedulerWorld {
  size: number;
  comm: PoolLink;
  host: WorkerHost;
  /** Forgets `rank`'s channels before it is replaced, failing what is under way with `err` (pools that start their workers; none over a communicator's ranks). */
  reset: ((rank: number, err: Error) => void) | undefined;
}

/**
 * Makes the world, given what to call when a worker dies unasked (crash, exit, out of
 * memory, failed initializer): the scheduler then breaks the pool.
 */
export type WorldFactory = (onDeath: (rank: number, err: Error) => void) => SchedulerWorld;

/** A scheduler over the world the options ask for: the other ranks of `comm`, or workers started here. */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const spawned: WorldFactory = () =>
    spawnedPoolWorld(
      options.size ?? 1,
      options.initializer ? { module: options.initializer.module ?? null, name: options.initializer.name, args: options.initArgs ?? [] } : null,
    );
  const world: WorldFactory = (onDeath) =>
    poolWorld({
      size: options.size,
      comm: options.comm,
      isolation: options.isolation ?? 'thread',
      initializer: options.initializer,
      initArgs: options.initArgs ?? [],
      resourceLimits: options.resourceLimits,
      trace: options.trace,
      onDeath,
    });
  return new Scheduler(options.spawn === true && !options.comm && spawnsThroughMpi() ? spawned : world, {
    maxTasksPerWorker: options.maxTasksPerWorker,
    onProgress: options.onProgress,
  });
}
