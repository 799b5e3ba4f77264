// Per-process slots (on globalThis, like the processes transport: a script may load a
// second copy of ranks) that a rank process's entry module fills before the script runs:
// how to ask the launcher for ranks, and what a spawned rank was told about its parents.
import type { SpawnReply, SpawnRequest, SpawnedInit } from './protocol.ts';

const STARTER = Symbol.for('ranks.spawn.starter');
const SPAWNED = Symbol.for('ranks.spawn.init');

type Slots = Record<symbol, unknown>;

/** How this rank process asks its launcher to start ranks (set by the processes entry module). */
export function installSpawner(start: (request: SpawnRequest) => Promise<SpawnReply>): void {
  (globalThis as Slots)[STARTER] = start;
}

/** The launcher's spawner of this rank process, if it has one. */
export function processSpawner(): ((request: SpawnRequest) => Promise<SpawnReply>) | undefined {
  return (globalThis as Slots)[STARTER] as ((request: SpawnRequest) => Promise<SpawnReply>) | undefined;
}

/** Records what this spawned rank process was told (its world and parents). */
export function setSpawnedInit(init: SpawnedInit): void {
  (globalThis as Slots)[SPAWNED] = init;
}

/** What this rank process was told as a spawned rank, if it is one. */
export function processSpawnedInit(): SpawnedInit | undefined {
  return (globalThis as Slots)[SPAWNED] as SpawnedInit | undefined;
}

const PARENT_RUNS_RANKS = Symbol.for('ranks.spawn.ranksParent');

/** Marks this MPI rank as spawned by a ranks program (spawn/mpi-child.ts). */
export function markRanksParent(): void {
  (globalThis as Slots)[PARENT_RUNS_RANKS] = true;
}

/** True in an MPI rank that a ranks program spawned (its parent sets up the intercommunicator as ranks does). */
export function hasRanksParent(): boolean {
  return (globalThis as Slots)[PARENT_RUNS_RANKS] === true;
}
