// A hand-made SVG line chart (no dependencies): panels side by side sharing a log-2 x axis
// of message sizes, each with a log-10 or linear y axis, min–max error bars and one legend.
import { formatBytes } from './format.ts';

/** One point: y is the median, lo..hi its spread. */
export interface Point {
  x: number;
  y: number;
  lo: number;
  hi: number;
}

/** One line of one panel. */
export interface Line {
  name: string;
  color: string;
  points: Point[];
}

/** One panel of the chart. */
export interface Panel {
  title: string;
  yLabel: string;
  yLog: boolean;
  lines: Line[];
}

const PANEL_W = 500;
const PANEL_H = 380;
const M = { left: 70, right: 20, top: 56, bottom: 56 };
const LEGEND_H = 30;

/** Escapes text for SVG content and attributes. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The chart as an SVG document: `panels` side by side, x ticks at `xTicks` (bytes). */
export function chartSvg(title: string, subtitle: string, panels: Panel[], xTicks: number[]): string {
  const width = PANEL_W * panels.length;
  const height = PANEL_H + LEGEND_H;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="16" font-weight="bold">${xmlEscape(title)}</text>`,
    `<text x="${width / 2}" y="38" text-anchor="middle" fill="#555">${xmlEscape(subtitle)}</text>`,
  ];
  panels.forEach((p, i) => parts.push(panelSvg(p, i * PANEL_W, xTicks)));
  parts.push(legendSvg(panels[0]?.lines ?? [], width, PANEL_H - 6), '</svg>');
  return parts.join('\n') + '\n';
}

function panelSvg(panel: Panel, x0: number, xTicks: number[]): string {
  const left = x0 + M.left;
  const right = x0 + PANEL_W - M.right;
  const top = M.top + 14;
  const bottom = PANEL_H - M.bottom;
  const xMin = Math.log2(xTicks[0] ?? 1);
  const xMax = Math.log2(xTicks[xTicks.length - 1] ?? 2);
  const sx = (x: number): number => left + ((Math.log2(x) - xMin) / (xMax - xMin || 1)) * (right - left);
  const values = panel.lines.flatMap((l) => l.points.flatMap((p) => [p.lo, p.hi, p.y])).filter((v) => Number.isFinite(v) && v > 0);
  const axis = panel.yLog ? logAxis(values) : linearAxis(values);
  const sy = (y: number): number => bottom - ((axis.map(y) - axis.lo) / (axis.hi - axis.lo || 1)) * (bottom - top);
  const out: string[] = [
    `<g>`,
    `<text x="${(left + right) / 2}" y="${M.top}" text-anchor="middle" font-size="14" font-weight="bold">${xmlEscape(panel.title)}</text>`,
  ];
  for (const t of axis.minor) out.push(`<line x1="${left}" x2="${right}" y1="${f(sy(t))}" y2="${f(sy(t))}" stroke="#f0f0f0"/>`);
  for (const t of axis.ticks) {
    out.push(`<line x1="${left}" x2="${right}" y1="${f(sy(t))}" y2="${f(sy(t))}" stroke="#ddd"/>`);
    out.push(`<text x="${left - 6}" y="${f(sy(t) + 4)}" text-anchor="end">${xmlEscape(tickLabel(t))}</text>`);
  }
  for (const t of xTicks) {
    out.push(`<line x1="${f(sx(t))}" x2="${f(sx(t))}" y1="${top}" y2="${bottom}" stroke="#eee"/>`);
    out.push(`<text x="${f(sx(t))}" y="${bottom + 16}" text-anchor="middle">${xmlEscape(formatBytes(t))}</text>`);
  }
  out.push(`<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${(left + right) / 2}" y="${bottom + 36}" text-anchor="middle">message size (log scale)</text>`);
  const cy = (top + bottom) / 2;
  out.push(`<text x="${x0 + 18}" y="${cy}" text-anchor="middle" transform="rotate(-90 ${x0 + 18} ${cy})">${xmlEscape(panel.yLabel)}</text>`);
  for (const line of panel.lines) {
    const pts = line.points.filter((p) => Number.isFinite(p.y) && p.y > 0);
    if (pts.length === 0) continue;
    const stroke = `stroke="${line.color}"`;
    out.push(`<polyline fill="none" ${stroke} stroke-width="2" points="${pts.map((p) => `${f(sx(p.x))},${f(sy(p.y))}`).join(' ')}"/>`);
    for (const p of pts) {
      const x = f(sx(p.x));
      if (p.lo > 0 && p.hi > p.lo) out.push(`<line x1="${x}" x2="${x}" y1="${f(sy(p.lo))}" y2="${f(sy(p.hi))}" ${stroke} stroke-width="1"/>`);
      out.push(`<circle cx="${x}" cy="${f(sy(p.y))}" r="3" fill="${line.color}"/>`);
    }
  }
  out.push('</g>');
  return out.join('\n');
}

function legendSvg(lines: Line[], width: number, y: number): string {
  const item = 170;
  let x = (width - item * lines.length) / 2;
  const out: string[] = [];
  for (const l of lines) {
    out.push(`<line x1="${f(x)}" x2="${f(x + 24)}" y1="${y + 12}" y2="${y + 12}" stroke="${l.color}" stroke-width="3"/>`);
    out.push(`<circle cx="${f(x + 12)}" cy="${y + 12}" r="3" fill="${l.color}"/>`);
    out.push(`<text x="${f(x + 30)}" y="${y + 16}">${xmlEscape(l.name)}</text>`);
    x += item;
  }
  return out.join('\n');
}

interface Axis {
  lo: number;
  hi: number;
  ticks: number[];
  minor: number[];
  map: (y: number) => number;
}

/** Decades covering the data, with 2..9 minor grid lines. */
function logAxis(values: number[]): Axis {
  const lo = Math.floor(Math.log10(Math.min(...values, 1)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values, 10))));
  const ticks: number[] = [];
  const minor: number[] = [];
  for (let k = lo; k <= hi; k++) {
    ticks.push(10 ** k);
    if (k < hi) for (let m = 2; m <= 9; m++) minor.push(m * 10 ** k);
  }
  return { lo, hi, ticks, minor, map: Math.log10 };
}

/** 0 to a round maximum in steps of 1, 2 or 5 times a power of ten. */
function linearAxis(values: number[]): Axis {
  const max = Math.max(...values, 1e-9);
  const raw = max / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= hi + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { lo: 0, hi, ticks, minor: [], map: (y) => y };
}

function tickLabel(t: number): string {
  if (t >= 1e6) return `${t / 1e6}M`;
  if (t >= 1e3) return `${t / 1e3}k`;
  return String(Number(t.toPrecision(6)));
}

function f(n: number): string {
  return n.toFixed(1);
}
