// The timeline as the page embeds it: compact JSON the page's script decodes into typed
// arrays. Times become integer ticks of a nanosecond from the trace's start, each row's
// starts are delta-encoded, and a span's name, category and args are one entry of a
// shared style table (a job sends the same few kinds of message over and over), so a
// span costs about four short numbers.
import type { Timeline } from './model.ts';

/** Microseconds per tick: times are kept to the nanosecond. */
const TICK = 0.001;

/** The embedded data's shape (see client-data.ts, which reads it). */
export interface PageData {
  v: 1;
  tick: number;
  /** The trace's first microsecond, as the trace writes it. */
  t0: number;
  /** The trace's length in ticks. */
  end: number;
  /** [name, rows] per lane. */
  lanes: [string, number][];
  /** [name, cat, args, open (1) or not (0)] per style. */
  styles: [string, string, Record<string, unknown>, number][];
  /** [lane, row, start deltas, durations, styles] per row of a lane. */
  tracks: [number, number, number[], number[], number[]][];
  /** [from lanes, from-time deltas, to lanes, to-time minus from-time, from rows, to rows]. */
  arrows: [number[], number[], number[], number[], number[], number[]];
  /** [start deltas, lengths, name indexes, lowest lane, highest lane, lane counts]. */
  bands: [number[], number[], number[], number[], number[], number[]];
  bandNames: string[];
  /** [lane, time, name, args] per instant mark. */
  marks: [number, number, string, Record<string, unknown>][];
}

/** The timeline as the page's embedded data. */
export function pageData(t: Timeline): PageData {
  const tick = (us: number): number => Math.round((us - t.start) / TICK);
  const styleIndex = new Map<string, number>();
  const styles: PageData['styles'] = [];
  const tracks: PageData['tracks'] = [];
  let current: PageData['tracks'][number] | undefined;
  let last = 0;
  for (const s of t.spans) {
    if (!current || current[0] !== s.lane || current[1] !== s.row) {
      current = [s.lane, s.row, [], [], []];
      tracks.push(current);
      last = 0;
    }
    const style: PageData['styles'][number] = [s.name, s.cat, s.args, s.open ? 1 : 0];
    const key = JSON.stringify(style);
    let k = styleIndex.get(key);
    if (k === undefined) {
      k = styles.length;
      styles.push(style);
      styleIndex.set(key, k);
    }
    const start = tick(s.start);
    current[2].push(start - last);
    current[3].push(Math.round(s.dur / TICK));
    current[4].push(k);
    last = start;
  }
  const arrows: PageData['arrows'] = [[], [], [], [], [], []];
  last = 0;
  for (const a of t.arrows) {
    const from = tick(a.fromTime);
    arrows[0].push(a.fromLane);
    arrows[1].push(from - last);
    arrows[2].push(a.toLane);
    arrows[3].push(tick(a.toTime) - from);
    arrows[4].push(a.fromRow);
    arrows[5].push(a.toRow);
    last = from;
  }
  const bands: PageData['bands'] = [[], [], [], [], [], []];
  const bandNames: string[] = [];
  const nameIndex = new Map<string, number>();
  last = 0;
  for (const b of t.bands) {
    const start = tick(b.start);
    let n = nameIndex.get(b.name);
    if (n === undefined) {
      n = bandNames.length;
      bandNames.push(b.name);
      nameIndex.set(b.name, n);
    }
    bands[0].push(start - last);
    bands[1].push(tick(b.end) - start);
    bands[2].push(n);
    bands[3].push(b.lanes[0]!);
    bands[4].push(b.lanes[b.lanes.length - 1]!);
    bands[5].push(b.lanes.length);
    last = start;
  }
  return {
    v: 1,
    tick: TICK,
    t0: t.start,
    end: tick(t.end),
    lanes: t.lanes.map((l) => [l.name, l.rows]),
    styles,
    tracks,
    arrows,
    bands,
    bandNames,
    marks: t.marks.map((m) => [m.lane, tick(m.time), m.name, m.args]),
  };
}
