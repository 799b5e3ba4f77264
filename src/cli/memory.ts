// `ranks run -n N` checked against memory before any rank starts: a request that cannot
// fit would otherwise be killed by the system (the OOM killer) with no word from ranks.
import { freemem, totalmem } from 'node:os';
import { ArgumentRangeError } from '../errors.ts';

/**
 * What one rank costs, measured with `ranks run -n 1` against `-n 9` on a script that
 * only prints (peak RSS, Node 20, x64): a worker thread with its own V8 heap and the tsx
 * loader about 35 MiB, a rank process about 90 MiB. A real script needs more, never less.
 */
export const RANK_BYTES = { threads: 40 * 2 ** 20, processes: 90 * 2 ** 20 } as const;

/** The launcher's own share (the main thread of `ranks run`), about 100 MiB. */
export const LAUNCHER_BYTES = 100 * 2 ** 20;

/** Memory this process may still use: the free memory, or less under a cgroup limit. */
export function availableMemory(): number {
  const limit = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : 0;
  const free = freemem();
  // A limit of about 2^64 (or 2^44 MiB) means none.
  return limit > 0 && limit < totalmem() ? Math.min(free, limit - process.memoryUsage.rss()) : free;
}

const gib = (bytes: number): string => `${(bytes / 2 ** 30).toFixed(1)} GiB`;

/**
 * Throws ArgumentRangeError (ERR_OUT_OF_RANGE) when `size` ranks of `transport` cannot fit
 * in `available` bytes, saying how many can and what to do instead.
 *
 * @example
 * checkMemory(100_000, 'threads'); // throws: ranks of threads need about 3.8 TiB …
 */
export function checkMemory(size: number, transport: 'threads' | 'processes', available = availableMemory()): void {
  const per = RANK_BYTES[transport];
  const need = LAUNCHER_BYTES + size * per;
  if (need <= available) return;
  const fits = Math.max(0, Math.floor((available - LAUNCHER_BYTES) / per));
  throw new ArgumentRangeError(
    `-n ${size} does not fit in memory: ${size} ranks of --transport ${transport} need about ${gib(need)} (${per / 2 ** 20} MiB each at least), ` +
      `and ${gib(available)} is free; at most ${fits} fit here. Use -n ${Math.max(1, fits)} or fewer` +
      `${transport === 'processes' ? ', or --transport threads (lighter ranks)' : ''}, or spread the job over machines with mpiexec (see README, the MPI transport)`,
  );
}
