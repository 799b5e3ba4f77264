// A pool over the ranks of a communicator (mpi4py.futures' MPICommExecutor): one rank
// schedules, the others serve tasks until it closes the pool. Under mpiexec or srun the
// communicator is MPI's, so the pool spreads its tasks over a cluster's nodes.
import { ANY_TAG } from '../constants.ts';
import { Status } from '../comm/status.ts';
import { ArgumentRangeError, DataCloneError, InvalidArgumentError } from '../errors.ts';
import type { Communicator } from '../comm/communicator.ts';
import { NO_FLAGS } from './flags.ts';
import type { WorkerHost } from './host.ts';
import { BYE, TASK } from './protocol.ts';
import { toTask } from './tasks.ts';
import { serve, type WorkerInit } from './worker-loop.ts';

/**
 * The worker ranks 1..size of a communicator whose rank 0 schedules: they are not this
 * process's to start or end, so none is replaced, and a chunk once sent is run.
 */
export class CommHost implements WorkerHost {
  readonly flags = NO_FLAGS;
  readonly sharesMemory = false;
  readonly canReplace = false;
  private ending: Promise<void> | undefined;

  constructor(private readonly comm: Communicator) {}

  postSide(): void {
    throw new DataCloneError('arguments', 'shared memory, which the ranks of a communicator do not share');
  }

  ref(): void {}

  /**
   * Resolves when `rank` says it has left its serving loop (it does after the stop
   * message). What it sent before that and nobody awaits any more (results of calls let
   * go, or of a terminated pool) is taken and dropped, so no message is left unread.
   */
  async exited(rank: number): Promise<number> {
    for (;;) {
      const status = new Status();
      await this.comm.recv({ source: rank, tag: ANY_TAG, status });
      if (status.tag === BYE) return 0;
    }
  }

  replace(rank: number): Promise<void> {
    return Promise.reject(new InvalidArgumentError(`Rank ${rank} of a communicator's pool cannot be replaced`));
  }

  /** Tells every worker rank to stop once it has run what it holds; resolves when all have left. */
  terminate(): Promise<void> {
    return (this.ending ??= (async () => {
      const left: Promise<number>[] = [];
      for (let rank = 1; rank < this.comm.size; rank++) {
        left.push(this.exited(rank).catch(() => 0));
        this.comm.isend(null, rank, { tag: TASK }).then(undefined, () => undefined);
      }
      await Promise.all(left);
    })());
  }
}

/** What the ranks of a communicator's pool agree on. */
export interface CommPoolOptions {
  /** The rank of `comm` that schedules and gets the pool; the others serve (default 0). */
  root?: number;
}

/** Options a pool over ranks cannot honour: its workers are ranks, not threads or processes it owns. */
const REFUSED = ['maxTasksPerWorker', 'isolation', 'resourceLimits'] as const;

/**
 * Every rank of `comm` calls this. The pool's private communicator (the root first) is
 * returned on the root; the other ranks run the initializer, serve tasks until the root
 * closes the pool, and get `null`.
 */
export async function joinCommPool(
  comm: Communicator,
  options: CommPoolOptions & { initializer?: unknown; initArgs?: unknown[] } & Partial<Record<(typeof REFUSED)[number], unknown>>,
): Promise<Communicator | null> {
  if (!comm || typeof comm.split !== 'function') throw new InvalidArgumentError('Expected `comm` to be a communicator (world() or one derived from it)');
  const root = options.root ?? 0;
  if (!Number.isInteger(root) || root < 0 || root >= comm.size)
    throw new ArgumentRangeError(`Expected \`root\` to be a rank of the communicator (0..${comm.size - 1}), got ${String(root)}`);
  for (const name of REFUSED) {
    if (options[name] !== undefined)
      throw new InvalidArgumentError(`\`${name}\` does not apply to a pool over the ranks of a communicator: its workers are ranks it does not start or end`);
  }
  const init: WorkerInit =
    options.initializer === undefined
      ? null
      : (() => {
          const t = toTask(options.initializer);
          return { module: t.module ?? null, name: t.name, args: options.initArgs ?? [] };
        })();
  // A private communicator with the root as rank 0: the pool's messages never meet the
  // program's own, and the scheduler sees its workers as ranks 1..size.
  const own = (await comm.split(0, comm.rank === root ? -1 : comm.rank))!;
  if (own.rank === 0) return own;
  await serve(
    own,
    NO_FLAGS,
    init,
    () => {
      throw new Error('Arguments holding shared memory never reach a rank of a communicator pool');
    },
    { bye: true },
  );
  return null;
}
