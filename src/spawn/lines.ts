import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SpawnError } from '../errors.ts';
import type { SpawnReply, SpawnRequest } from './protocol.ts';

/**
 * The launcher's book of spawned ranks (threads and processes alike): which transport
 * ranks a spawn takes (the next free ones after the job's world, up to RANKS_SPAWN_MAX in
 * all), what each is called in reports, and the checks that make a spawn an ERR_SPAWN on
 * every calling rank instead of a failed job.
 */
export class SpawnBook {
  private next: number;
  private readonly names = new Map<number, string>();

  /** `first`: the job's world size (the first free rank); `max`: ranks that may be spawned in all. */
  constructor(
    readonly first: number,
    private readonly max: number,
  ) {
    this.next = first;
  }

  /** Reserves the ranks of `request`; throws SpawnError when its script is missing or the job is full. */
  take(request: SpawnRequest): number[] {
    const path = fileURLToPath(request.script);
    if (!existsSync(path)) throw new SpawnError(`Cannot spawn ${path}: no such file`);
    const used = this.next - this.first;
    if (used + request.maxprocs > this.max)
      throw new SpawnError(`Cannot spawn ${request.maxprocs} more rank(s): this job may spawn ${this.max} in all (RANKS_SPAWN_MAX) and has spawned ${used}`);
    const ranks = Array.from({ length: request.maxprocs }, (_, i) => this.next + i);
    this.next += request.maxprocs;
    ranks.forEach((r, i) => this.names.set(r, `Spawned rank ${i} of ${basename(path)} (job rank ${r})`));
    return ranks;
  }

  /** The ranks started so far, spawned ones included (the first `this.next` transport ranks). */
  get started(): number {
    return this.next;
  }

  /** How reports call transport rank `rank`: `Rank 2`, or `Spawned rank 0 of worker.ts (job rank 4)`. */
  name(rank: number): string {
    return this.names.get(rank) ?? `Rank ${rank}`;
  }
}

/** The answer that says why a spawn failed. */
export function spawnFailed(id: number, err: unknown): SpawnReply {
  const e = err as { message?: unknown; code?: unknown };
  return {
    id,
    error: {
      message: typeof e?.message === 'string' ? e.message : String(err),
      code: typeof e?.code === 'string' ? e.code : undefined,
    },
  };
}
