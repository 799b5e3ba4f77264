// Formatting numbers and Markdown tables.

/** A message size the way OSU benchmarks label it: 8 B, 64 KiB, 8 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1 << 20 && bytes % (1 << 20) === 0) return `${bytes / (1 << 20)} MiB`;
  if (bytes >= 1 << 10 && bytes % (1 << 10) === 0) return `${bytes / (1 << 10)} KiB`;
  return `${bytes} B`;
}

/** Three significant digits, without exponent notation for the ranges benchmarks produce. */
export function sig3(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a >= 0.01) return x.toFixed(3);
  return x.toPrecision(2);
}

/** A median and its spread in microseconds, all in ms when the median is above 10 000 µs: `36.3 ms (34.7–40.7)`. */
export function formatMicros(us: number, lo?: number, hi?: number): string {
  const [scale, unit] = us >= 10_000 ? [1000, 'ms'] : [1, 'µs'];
  const value = `${sig3(us / scale)} ${unit}`;
  return lo === undefined || hi === undefined ? value : withSpread(value, sig3(lo / scale), sig3(hi / scale));
}

/** `value (lo–hi)`, the median and spread as the tables show them. */
export function withSpread(value: string, lo: string, hi: string): string {
  return `${value} (${lo}–${hi})`;
}

/** A ratio as `22.7x`. */
export function formatRatio(r: number): string {
  return Number.isFinite(r) ? `${sig3(r)}x` : '–';
}

/** `22.7x faster` when ranks wins, `3.20x slower` when it loses; `r` = peer time / ranks time. */
export function speedup(r: number): string {
  return r >= 1 ? `${formatRatio(r)} faster` : `${formatRatio(1 / r)} slower`;
}

/** A Markdown table; `|` inside cells is escaped. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  const line = (cells: readonly string[]): string => `| ${cells.map(esc).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
