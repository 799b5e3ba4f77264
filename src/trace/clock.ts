// The trace's clock: epoch microseconds from performance.timeOrigin + performance.now().
// Every thread and process of one host reads the same wall clock through it (each one's
// timeOrigin is that clock at its start), so spans of different ranks line up; under MPI
// on several hosts, `setClockOffset` moves this rank's clock onto rank 0's.

const origin = performance.timeOrigin * 1000;
let offset = 0;

/** Now, in epoch microseconds (fractional). */
export function now(): number {
  return origin + offset + performance.now() * 1000;
}

/** Shifts this rank's clock by `micros` (to align it with another rank's). */
export function setClockOffset(micros: number): void {
  offset = micros;
}

/** How far this rank's clock is shifted, in microseconds. */
export function clockOffset(): number {
  return offset;
}
