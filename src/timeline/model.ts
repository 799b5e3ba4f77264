// The timeline a trace draws: lanes (one per process/thread of the trace: a rank, a pool
// worker), spans nested in rows, message arrows (flow events from a send to the receive
// that took it), collective bands and instant markers. Times stay in the trace's
// microseconds.
import { parseTraceText, readTraceEvents, type TraceEvent, type TraceId } from './events.ts';

/** A lane: one process/thread of the trace (a rank, a pool worker). */
export interface TimelineLane {
  pid: TraceId;
  tid: TraceId;
  /** From the trace's `process_name`/`thread_name` metadata, or `pid P · tid T`. */
  name: string;
  /** How many rows its nested spans take (1 when nothing nests). */
  rows: number;
}

/** A span: a send, receive, wait, collective, task... (`X` events, and `B`/`E` pairs). */
export interface TimelineSpan {
  lane: number;
  /** The nesting depth in its lane: 0 outermost. */
  row: number;
  /** Microseconds. */
  start: number;
  /** Microseconds. */
  dur: number;
  name: string;
  cat: string;
  /** The event's args (peer, tag, bytes, root...). */
  args: Record<string, unknown>;
  /** A `B` with no `E`: still open when the trace was written (a blocked call). */
  open: boolean;
}

/** A message arrow: a flow from its start (`s`, at the send) to its finish (`f`, at the receive). */
export interface TimelineArrow {
  id: string;
  name: string;
  fromLane: number;
  fromTime: number;
  toLane: number;
  toTime: number;
}

/** A collective band: the same collective call on every lane that took part, from the first start to the last end. */
export interface TimelineBand {
  name: string;
  start: number;
  end: number;
  /** The lanes whose spans it groups, ascending. */
  lanes: number[];
}

/** An instant marker (`i` events: where a job stopped, a failure). */
export interface TimelineMark {
  lane: number;
  time: number;
  name: string;
  args: Record<string, unknown>;
}

/** A trace as the timeline page draws it. Build one with {@link parseTimeline}. */
export interface Timeline {
  lanes: TimelineLane[];
  /** Sorted by lane, row, then start. */
  spans: TimelineSpan[];
  /** Sorted by `fromTime`. */
  arrows: TimelineArrow[];
  /** Sorted by `start`. */
  bands: TimelineBand[];
  marks: TimelineMark[];
  /** The first and last microsecond of the trace. */
  start: number;
  end: number;
  /** Flow starts with no finish: messages sent and never received. */
  unmatchedFlows: number;
}

interface LaneInfo {
  pid: TraceId;
  tid: TraceId;
  index: number;
}

/** A span counts as a collective when one of its categories says so (`cat: "collective"`, `"mpi,collective"`). */
export function isCollective(span: { cat: string }): boolean {
  return span.cat.split(',').some((c) => c.trim() === 'collective' || c.trim() === 'coll');
}

const key = (pid: TraceId, tid: TraceId): string => `${typeof pid}:${pid}\u0000${typeof tid}:${tid}`;

function compareIds(a: TraceId, b: TraceId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/** The lanes, sorted as viewers do: by sort index, then pid, then tid. */
function buildLanes(events: TraceEvent[]): { lanes: TimelineLane[]; laneOf: (e: TraceEvent) => number } {
  const byKey = new Map<string, LaneInfo>();
  const processNames = new Map<TraceId, string>();
  const threadNames = new Map<string, string>();
  const processOrder = new Map<TraceId, number>();
  const threadOrder = new Map<string, number>();
  for (const e of events) {
    const k = key(e.pid, e.tid);
    if (e.ph === 'M') {
      const name = typeof e.args.name === 'string' ? e.args.name : undefined;
      const order = typeof e.args.sort_index === 'number' ? e.args.sort_index : undefined;
      if (e.name === 'process_name' && name !== undefined) processNames.set(e.pid, name);
      else if (e.name === 'thread_name' && name !== undefined) threadNames.set(k, name);
      else if (e.name === 'process_sort_index' && order !== undefined) processOrder.set(e.pid, order);
      else if (e.name === 'thread_sort_index' && order !== undefined) threadOrder.set(k, order);
      if (e.name !== 'thread_name' && e.name !== 'thread_sort_index') continue;
    }
    if (!byKey.has(k)) byKey.set(k, { pid: e.pid, tid: e.tid, index: -1 });
  }
  const infos = [...byKey.entries()].sort(
    ([ka, a], [kb, b]) =>
      (processOrder.get(a.pid) ?? 0) - (processOrder.get(b.pid) ?? 0) ||
      compareIds(a.pid, b.pid) ||
      (threadOrder.get(ka) ?? 0) - (threadOrder.get(kb) ?? 0) ||
      compareIds(a.tid, b.tid),
  );
  const threadsOf = new Map<TraceId, number>();
  for (const [, i] of infos) threadsOf.set(i.pid, (threadsOf.get(i.pid) ?? 0) + 1);
  const lanes = infos.map(([k, info], index): TimelineLane => {
    info.index = index;
    const thread = threadNames.get(k);
    const proc = processNames.get(info.pid);
    const name = thread ?? (proc !== undefined ? (threadsOf.get(info.pid)! > 1 ? `${proc} · ${info.tid}` : proc) : `pid ${info.pid} · tid ${info.tid}`);
    return { pid: info.pid, tid: info.tid, name, rows: 1 };
  });
  return { lanes, laneOf: (e) => byKey.get(key(e.pid, e.tid))!.index };
}

/** Spans from `X` events and `B`/`E` pairs; a `B` never ended runs to the trace's end, marked open. */
function buildSpans(events: TraceEvent[], laneOf: (e: TraceEvent) => number, end: number): TimelineSpan[] {
  const spans: TimelineSpan[] = [];
  const begun = new Map<number, TraceEvent[]>();
  for (const e of events) {
    if (e.ph === 'X') spans.push({ lane: laneOf(e), row: 0, start: e.ts, dur: e.dur, name: e.name, cat: e.cat, args: e.args, open: false });
    else if (e.ph === 'B') {
      const lane = laneOf(e);
      const stack = begun.get(lane) ?? [];
      stack.push(e);
      begun.set(lane, stack);
    } else if (e.ph === 'E') {
      const lane = laneOf(e);
      const b = begun.get(lane)?.pop();
      if (b) spans.push({ lane, row: 0, start: b.ts, dur: Math.max(0, e.ts - b.ts), name: b.name, cat: b.cat, args: { ...b.args, ...e.args }, open: false });
    }
  }
  for (const [lane, stack] of begun) {
    for (const b of stack) spans.push({ lane, row: 0, start: b.ts, dur: Math.max(0, end - b.ts), name: b.name, cat: b.cat, args: b.args, open: true });
  }
  return spans;
}

/** Rows: a span inside another (a wait inside a collective) goes one row below it. */
function nest(spans: TimelineSpan[], lanes: TimelineLane[]): void {
  spans.sort((a, b) => a.lane - b.lane || a.start - b.start || b.dur - a.dur);
  let lane = -1;
  const ends: number[] = [];
  for (const s of spans) {
    if (s.lane !== lane) {
      lane = s.lane;
      ends.length = 0;
    }
    while (ends.length > 0 && ends[ends.length - 1]! <= s.start) ends.pop();
    s.row = ends.length;
    ends.push(s.start + s.dur);
    const l = lanes[s.lane]!;
    if (s.row + 1 > l.rows) l.rows = s.row + 1;
  }
  spans.sort((a, b) => a.lane - b.lane || a.row - b.row || a.start - b.start);
}

/**
 * Arrows from flow starts (`s`) to the finishes (`f`) with their id, whatever the order
 * the file lists them in (a trace written rank by rank holds a receive before the send
 * of a later rank); an id used again pairs its starts and finishes in time order.
 */
function buildArrows(events: TraceEvent[], laneOf: (e: TraceEvent) => number): { arrows: TimelineArrow[]; unmatched: number } {
  const ends = new Map<string, { starts: TraceEvent[]; finishes: TraceEvent[] }>();
  for (const e of events) {
    if ((e.ph !== 's' && e.ph !== 'f') || e.id === undefined) continue;
    let pair = ends.get(e.id);
    if (!pair) ends.set(e.id, (pair = { starts: [], finishes: [] }));
    (e.ph === 's' ? pair.starts : pair.finishes).push(e);
  }
  const arrows: TimelineArrow[] = [];
  let unmatched = 0;
  const byTime = (a: TraceEvent, b: TraceEvent): number => a.ts - b.ts;
  for (const [id, { starts, finishes }] of ends) {
    if (starts.length > 1) starts.sort(byTime);
    if (finishes.length > 1) finishes.sort(byTime);
    for (let i = 0; i < starts.length; i++) {
      const s = starts[i]!;
      const f = finishes[i];
      if (!f) {
        unmatched++;
        continue;
      }
      arrows.push({ id, name: s.name || f.name, fromLane: laneOf(s), fromTime: s.ts, toLane: laneOf(f), toTime: f.ts });
    }
  }
  arrows.sort((a, b) => a.fromTime - b.fromTime);
  return { arrows, unmatched };
}

/**
 * Bands: the n-th collective of a name on each lane is one call (collectives are called in
 * the same order on every rank); a `seq` (or `id`) in its args, when the trace has one,
 * says which call it is instead, and a `comm` keeps communicators apart.
 */
function buildBands(spans: TimelineSpan[]): TimelineBand[] {
  const groups = new Map<string, TimelineBand>();
  const counters = new Map<string, number>();
  for (const s of spans) {
    if (!isCollective(s) || s.row > 0) continue;
    const comm = s.args.comm === undefined ? '' : String(s.args.comm as string | number);
    const seqArg = s.args.seq ?? s.args.id;
    let seq: string;
    if (typeof seqArg === 'number' || typeof seqArg === 'string') seq = String(seqArg);
    else {
      const counter = `${s.lane}\u0000${comm}\u0000${s.name}`;
      const n = counters.get(counter) ?? 0;
      counters.set(counter, n + 1);
      seq = `#${n}`;
    }
    const k = `${comm}\u0000${s.name}\u0000${seq}`;
    const band = groups.get(k);
    if (!band) groups.set(k, { name: s.name, start: s.start, end: s.start + s.dur, lanes: [s.lane] });
    else {
      band.start = Math.min(band.start, s.start);
      band.end = Math.max(band.end, s.start + s.dur);
      if (!band.lanes.includes(s.lane)) band.lanes.push(s.lane);
    }
  }
  const bands = [...groups.values()];
  for (const b of bands) b.lanes.sort((x, y) => x - y);
  return bands.sort((a, b) => a.start - b.start);
}

/**
 * Reads a Chrome trace-event file (text, or the parsed JSON) into the lanes, spans,
 * arrows and bands the timeline page draws. `where` names the input in errors. Throws
 * InvalidArgumentError (ERR_INVALID_ARG) for input that is not such a trace.
 *
 * @example
 * import { readFileSync } from 'node:fs';
 * import { parseTimeline } from 'ranks';
 * const t = parseTimeline(readFileSync('job.json', 'utf8'), 'job.json');
 * console.log(`${t.lanes.length} lanes, ${t.arrows.length} messages`);
 */
export function parseTimeline(trace: string | unknown, where = 'the trace'): Timeline {
  const events = readTraceEvents(typeof trace === 'string' ? parseTraceText(trace, where) : trace, where);
  let start = Infinity;
  let end = -Infinity;
  for (const e of events) {
    if (e.ph === 'M') continue;
    if (e.ts < start) start = e.ts;
    if (e.ts + e.dur > end) end = e.ts + e.dur;
  }
  if (start > end) [start, end] = [0, 0];
  const { lanes, laneOf } = buildLanes(events);
  const spans = buildSpans(events, laneOf, end);
  nest(spans, lanes);
  const { arrows, unmatched } = buildArrows(events, laneOf);
  const marks = events.filter((e) => e.ph === 'i' || e.ph === 'I').map((e) => ({ lane: laneOf(e), time: e.ts, name: e.name, args: e.args }));
  return { lanes, spans, arrows, bands: buildBands(spans), marks, start, end, unmatchedFlows: unmatched };
}
