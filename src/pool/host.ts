import type { ClaimFlags } from './flags.ts';

/**
 * What a pool's scheduler needs from whatever runs its worker ranks 1..size: threads
 * (ThreadHost) or child processes (ChildHost). The scheduler only sees ranks.
 */
export interface WorkerHost {
  /** The claim and veto slots through which a chunk not started yet is withdrawn (see flags.ts). */
  readonly flags: ClaimFlags;
  /** Whether arguments holding shared memory (Lock, Queue, Value...) can reach the workers. */
  readonly sharesMemory: boolean;
  /**
   * Whether a worker can be ended and replaced (threads, processes). The ranks of a
   * communicator cannot: a call stopped while it runs is let go, and its result dropped.
   */
  readonly canReplace: boolean;
  /** Hands argument lists holding shared memory to `rank` beside the transport; throws DataCloneError if they cannot go that way either. */
  postSide(rank: number, calls: unknown[][]): void;
  /** Keeps this process alive until the workers end (after close). */
  ref(): void;
  /** Resolves when `rank`'s worker has ended, as asked (a stop message or `replace`). */
  exited(rank: number): Promise<number>;
  /** Ends `rank`'s worker now if it still runs (unless `stop` is false) and starts a fresh one; resolves once it is started. */
  replace(rank: number, stop?: boolean): Promise<void>;
  /** Ends every worker now. */
  terminate(): Promise<void>;
  /** Releases what outlives the workers (a process pool's folder and socket), once they have ended. */
  dispose?(): void;
}
