// What crosses between a spawning rank and whoever starts ranks for it (the threads or
// processes launcher), typed once for both.

/** A spawn request, from the spawning communicator's root to whoever starts ranks. */
export interface SpawnRequest {
  id: number;
  /** The script's file URL. */
  script: string;
  args: string[];
  maxprocs: number;
  /** The transport ranks of the spawning communicator, in its rank order. */
  parents: number[];
  /** The intercomm's context (and + 1 for its collectives), agreed by the parents. */
  context: number;
}

/** The answer: the new ranks' transport ranks, or why none started. */
export type SpawnReply = { id: number; ranks: number[] } | { id: number; error: { message: string; code?: string | undefined } };

/** What a spawned rank is told: its own world, and the ranks that spawned it. */
export interface SpawnedInit {
  /** The transport ranks of its world, in world rank order. */
  world: number[];
  /** The transport ranks of the spawning communicator, in its rank order. */
  parents: number[];
  /** The intercomm's context (and + 1 for its collectives), agreed by the parents. */
  context: number;
}
