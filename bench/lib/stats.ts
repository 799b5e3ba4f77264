// Summary statistics of repeated measurements.

/** Median, quartiles and extremes of a sample. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** First and third quartiles (linear interpolation). */
  q1: number;
  q3: number;
  n: number;
}

/** The q-quantile (0..1) of ascending `sorted`, interpolating linearly. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

/** Median, quartiles, min and max of `samples`. */
export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), min: s[0] ?? NaN, max: s[s.length - 1] ?? NaN, q1: quantile(s, 0.25), q3: quantile(s, 0.75), n: s.length };
}

/** How many times `slow` takes longer than `fast` (e.g. peer latency / ranks latency). */
export function ratio(slow: number, fast: number): number {
  return slow / fast;
}

/** Bandwidth in GB/s (10^9 bytes per second) of `bytes` moved in `micros` microseconds. */
export function gbps(bytes: number, micros: number): number {
  return bytes / (micros * 1e3);
}
