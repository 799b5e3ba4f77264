import { performance } from 'node:perf_hooks';

/**
 * Seconds since an arbitrary start, as a float; monotonic, like `MPI.Wtime()`.
 *
 * @example
 * const t0 = wtime(); await work(); console.log(wtime() - t0, 's');
 */
export function wtime(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}
