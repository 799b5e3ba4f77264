// A rank process's side of spawn (processes transport): asks its launcher over IPC and
// waits for the answer, keeping the process alive meanwhile; a spawned rank records what
// it was told, for world() and getParent().
import type { ProcessRankInit } from '../transport/processes/messages.ts';
import { tell } from '../transport/processes/rank.ts';
import type { SpawnReply } from './protocol.ts';
import { installSpawner, setSpawnedInit } from './starter.ts';

const waiting = new Map<number, (reply: SpawnReply) => void>();

/** Installs this rank process's spawner (and, in a spawned rank, its world and parents). */
export function spawnThroughLauncher(init: ProcessRankInit): void {
  if (init.spawned) setSpawnedInit(init.spawned);
  installSpawner(
    (request) =>
      new Promise<SpawnReply>((resolve) => {
        // The IPC channel keeps this process alive until the answer is in.
        if (waiting.size === 0) process.channel?.ref();
        waiting.set(request.id, resolve);
        void tell({ type: 'spawn', request });
      }),
  );
}

/** The launcher's answer to a spawn request. */
export function spawnReplied(reply: SpawnReply): void {
  const resolve = waiting.get(reply.id);
  if (!resolve) return;
  waiting.delete(reply.id);
  if (waiting.size === 0) process.channel?.unref();
  resolve(reply);
}
