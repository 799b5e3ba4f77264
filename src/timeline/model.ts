// The timeline a trace draws: lanes (one per process of the trace: a rank, a pool worker;
// its threads' rows stacked in it), spans nested in rows, message arrows (flow events from a send to the receive
// that took it), collective bands and instant markers. Times stay in the trace's
// microseconds.
import { parseTraceText, readTraceEvents, type TraceEvent, type TraceId } from './events.ts';
import { buildArrows, buildBands } from './flows.ts';
import { buildLanes, nest, type LaneIndex } from './lanes.ts';

/** A thread of a lane (ranks' sub-lanes: spans that overlap without nesting), a block of rows. */
export interface TimelineThread {
  tid: TraceId;
  /** From the trace's `thread_name` metadata, or `LANE · tid`. */
  name: string;
  /** Its first row in the lane, and how many rows it takes. */
  firstRow: number;
  rows: number;
}

/** A lane: one process of the trace (a rank, a pool worker). */
export interface TimelineLane {
  pid: TraceId;
  /** From the trace's `process_name` metadata (else its first thread's name), or `pid P`. */
  name: string;
  /** How many rows its threads' nested spans take (1 when nothing nests). */
  rows: number;
  threads: TimelineThread[];
}

/** A span: a send, receive, wait, collective, task... (`X` events, and `B`/`E` pairs). */
export interface TimelineSpan {
  lane: number;
  /** Its thread: an index in its lane's `threads`. */
  thread: number;
  /** Its row in the lane: its thread's first row plus its nesting depth (0 outermost). */
  row: number;
  /** Microseconds. */
  start: number;
  /** Microseconds. */
  dur: number;
  name: string;
  cat: string;
  /** The event's args (peer, tag, bytes, root...). */
  args: Record<string, unknown>;
  /** Still open when the trace was written (a blocked call): `args.unfinished`, or a `B` with no `E`. */
  open: boolean;
}

/** A message arrow: a flow from its start (`s`, at the send) to its finish (`f`, at the receive). */
export interface TimelineArrow {
  id: string;
  name: string;
  fromLane: number;
  /** The first row of the sending thread's block. */
  fromRow: number;
  fromTime: number;
  toLane: number;
  toRow: number;
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
  /** The trace's `otherData` (ranks writes its transport, world size, status, error, dropped events). */
  info: Record<string, unknown>;
}

/** Spans from `X` events and `B`/`E` pairs; a `B` never ended runs to the trace's end, marked open. */
function buildSpans(events: TraceEvent[], index: LaneIndex, end: number): TimelineSpan[] {
  const spans: TimelineSpan[] = [];
  const begun = new Map<string, TraceEvent[]>();
  const span = (b: TraceEvent, dur: number, args: Record<string, unknown>, open: boolean): TimelineSpan => ({
    lane: index.laneOf(b),
    thread: index.threadOf(b),
    row: 0,
    start: b.ts,
    dur,
    name: b.name,
    cat: b.cat,
    args,
    open: open || args.unfinished === true,
  });
  for (const e of events) {
    if (e.ph === 'X') spans.push(span(e, e.dur, e.args, false));
    else if (e.ph === 'B' || e.ph === 'E') {
      const k = `${index.laneOf(e)}:${index.threadOf(e)}`;
      let stack = begun.get(k);
      if (!stack) begun.set(k, (stack = []));
      if (e.ph === 'B') stack.push(e);
      else {
        const b = stack.pop();
        if (b) spans.push(span(b, Math.max(0, e.ts - b.ts), { ...b.args, ...e.args }, false));
      }
    }
  }
  for (const stack of begun.values()) for (const b of stack) spans.push(span(b, Math.max(0, end - b.ts), b.args, true));
  return spans;
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
  const json = typeof trace === 'string' ? parseTraceText(trace, where) : trace;
  const events = readTraceEvents(json, where);
  const other = (json as { otherData?: unknown }).otherData;
  const info = other !== null && typeof other === 'object' && !Array.isArray(other) ? (other as Record<string, unknown>) : {};
  let start = Infinity;
  let end = -Infinity;
  for (const e of events) {
    if (e.ph === 'M') continue;
    if (e.ts < start) start = e.ts;
    if (e.ts + e.dur > end) end = e.ts + e.dur;
  }
  if (start > end) [start, end] = [0, 0];
  const index = buildLanes(events);
  const { lanes } = index;
  const spans = buildSpans(events, index, end);
  nest(spans, lanes);
  const { arrows, unmatched } = buildArrows(events, index, spans);
  const marks = events.filter((e) => e.ph === 'i' || e.ph === 'I').map((e) => ({ lane: index.laneOf(e), time: e.ts, name: e.name, args: e.args }));
  return { lanes, spans, arrows, bands: buildBands(spans), marks, start, end, unmatchedFlows: unmatched, info };
}
