// What crosses lanes: message arrows (flow events) and collective bands.
import type { TraceEvent } from './events.ts';
import type { LaneIndex } from './lanes.ts';
import type { TimelineArrow, TimelineBand, TimelineSpan } from './model.ts';

/** A span counts as a collective when one of its categories says so (`coll`, `collective`, `mpi,collective`). */
export function isCollective(span: { cat: string }): boolean {
  return span.cat.split(',').some((c) => c.trim() === 'collective' || c.trim() === 'coll');
}

/**
 * Arrows from flow starts (`s`) to the finishes (`f`) with their id, whatever the order
 * the file lists them in (a trace written rank by rank holds a receive before the send
 * of a later rank); an id used again pairs its starts and finishes in time order. An
 * arrow leaves and reaches the first row of its thread's block; where the spans name
 * their flow (`args.flow`, as ranks writes them), it leaves its send's row and ends where
 * the receive that took it completed (a receive is often posted before the send: its
 * start would draw the message going back in time).
 */
export function buildArrows(events: TraceEvent[], index: LaneIndex, spans: TimelineSpan[]): { arrows: TimelineArrow[]; unmatched: number } {
  const byFlow = new Map<string, TimelineSpan[]>();
  for (const s of spans) {
    const flow = s.args.flow;
    if (typeof flow !== 'number' && typeof flow !== 'string') continue;
    const list = byFlow.get(String(flow));
    if (list) list.push(s);
    else byFlow.set(String(flow), [s]);
  }
  const ends = new Map<string, { starts: TraceEvent[]; finishes: TraceEvent[] }>();
  for (const e of events) {
    if ((e.ph !== 's' && e.ph !== 'f') || e.id === undefined) continue;
    let pair = ends.get(e.id);
    if (!pair) ends.set(e.id, (pair = { starts: [], finishes: [] }));
    (e.ph === 's' ? pair.starts : pair.finishes).push(e);
  }
  const rowOf = (e: TraceEvent): number => index.lanes[index.laneOf(e)]!.threads[index.threadOf(e)]?.firstRow ?? 0;
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
      const arrow = {
        id,
        name: s.name || f.name,
        fromLane: index.laneOf(s),
        fromRow: rowOf(s),
        fromTime: s.ts,
        toLane: index.laneOf(f),
        toRow: rowOf(f),
        toTime: f.ts,
      };
      // ranks puts the flow's start at its send's start, and its finish at its receive's.
      let sender: TimelineSpan | undefined;
      for (const span of starts.length === 1 ? (byFlow.get(id) ?? []) : []) {
        if (!sender && span.lane === arrow.fromLane && span.start === s.ts) {
          sender = span;
          arrow.fromRow = span.row;
        } else if (span.lane === arrow.toLane && span.start === f.ts) {
          arrow.toRow = span.row;
          arrow.toTime = span.start + span.dur;
        }
      }
      arrows.push(arrow);
    }
  }
  arrows.sort((a, b) => a.fromTime - b.fromTime);
  return { arrows, unmatched };
}

/**
 * Bands: the n-th collective of a name on each lane is one call (collectives are called in
 * the same order on every rank); a `seq` in its args, when the trace has one, says which
 * call it is instead, and a `comm` keeps communicators apart.
 */
export function buildBands(spans: TimelineSpan[]): TimelineBand[] {
  const groups = new Map<string, TimelineBand>();
  const counters = new Map<string, number>();
  const inOrder = spans.filter(isCollective).sort((a, b) => a.start - b.start);
  for (const s of inOrder) {
    const comm = s.args.comm === undefined ? '' : String(s.args.comm as string | number);
    const seqArg = s.args.seq;
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
