// Lanes and rows: a lane per process of the trace (a rank, a pool worker), and in it a
// block of rows per thread (ranks' sub-lanes: tid 0 the rank's own, tid 1, 2, ... what
// overlaps it without nesting), a span one row below the span it nests in.
import type { TraceEvent, TraceId } from './events.ts';
import type { TimelineLane, TimelineSpan } from './model.ts';

const key = (pid: TraceId, tid: TraceId): string => `${typeof pid}:${pid}\u0000${typeof tid}:${tid}`;
const pidKey = (pid: TraceId): string => `${typeof pid}:${pid}`;

function compareIds(a: TraceId, b: TraceId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/** Where an event goes: its lane, and its thread's place in the lane. */
export interface LaneIndex {
  lanes: TimelineLane[];
  laneOf(e: { pid: TraceId }): number;
  threadOf(e: { pid: TraceId; tid: TraceId }): number;
}

/** The lanes, sorted as viewers do (by sort index, then id), their threads likewise. */
export function buildLanes(events: TraceEvent[]): LaneIndex {
  const pids = new Map<string, { pid: TraceId; tids: Map<string, TraceId> }>();
  const processNames = new Map<string, string>();
  const threadNames = new Map<string, string>();
  const processOrder = new Map<string, number>();
  const threadOrder = new Map<string, number>();
  for (const e of events) {
    const pk = pidKey(e.pid);
    if (e.ph === 'M') {
      const name = typeof e.args.name === 'string' ? e.args.name : undefined;
      const order = typeof e.args.sort_index === 'number' ? e.args.sort_index : undefined;
      if (e.name === 'process_name' && name !== undefined) processNames.set(pk, name);
      else if (e.name === 'thread_name' && name !== undefined) threadNames.set(key(e.pid, e.tid), name);
      else if (e.name === 'process_sort_index' && order !== undefined) processOrder.set(pk, order);
      else if (e.name === 'thread_sort_index' && order !== undefined) threadOrder.set(key(e.pid, e.tid), order);
      if (e.name !== 'thread_name' && e.name !== 'process_name') continue;
    }
    let p = pids.get(pk);
    if (!p) pids.set(pk, (p = { pid: e.pid, tids: new Map() }));
    // A process's name alone makes its lane, with no thread yet.
    if (!(e.ph === 'M' && e.name === 'process_name')) p.tids.set(key(e.pid, e.tid), e.tid);
  }
  const ordered = [...pids.entries()].sort(([a, pa], [b, pb]) => (processOrder.get(a) ?? 0) - (processOrder.get(b) ?? 0) || compareIds(pa.pid, pb.pid));
  const laneIndex = new Map<string, number>();
  const threadIndex = new Map<string, number>();
  // By id, then by id: no string to build for each of a million events.
  const lanesById = new Map<TraceId, number>();
  const threadsById = new Map<TraceId, Map<TraceId, number>>();
  const lanes = ordered.map(([pk, p], index): TimelineLane => {
    laneIndex.set(pk, index);
    const tids = [...p.tids.entries()].sort(([a, ta], [b, tb]) => (threadOrder.get(a) ?? 0) - (threadOrder.get(b) ?? 0) || compareIds(ta, tb));
    lanesById.set(p.pid, index);
    const byTid = new Map<TraceId, number>();
    threadsById.set(p.pid, byTid);
    tids.forEach(([k, tid], i) => {
      threadIndex.set(k, i);
      byTid.set(tid, i);
    });
    const first = tids[0];
    const name = processNames.get(pk) ?? (first && threadNames.get(first[0])) ?? `pid ${p.pid}`;
    return { pid: p.pid, name, rows: 1, threads: tids.map(([k, tid]) => ({ tid, name: threadNames.get(k) ?? `${name} · ${tid}`, firstRow: 0, rows: 1 })) };
  });
  return {
    lanes,
    laneOf: (e) => lanesById.get(e.pid) ?? laneIndex.get(pidKey(e.pid))!,
    threadOf: (e) => threadsById.get(e.pid)?.get(e.tid) ?? threadIndex.get(key(e.pid, e.tid)) ?? 0,
  };
}

/**
 * Rows: each thread's spans nest (a wait inside a collective goes one row below it), and
 * a lane's threads stack their rows one block below the other. Sorts `spans` by lane,
 * row, then start.
 */
export function nest(spans: TimelineSpan[], lanes: TimelineLane[]): void {
  spans.sort((a, b) => a.lane - b.lane || a.thread - b.thread || a.start - b.start || b.dur - a.dur);
  let lane = -1;
  let thread = -1;
  const ends: number[] = [];
  for (const s of spans) {
    if (s.lane !== lane || s.thread !== thread) {
      [lane, thread] = [s.lane, s.thread];
      ends.length = 0;
    }
    while (ends.length > 0 && ends[ends.length - 1]! <= s.start) ends.pop();
    s.row = ends.length;
    ends.push(s.start + s.dur);
    const t = lanes[s.lane]!.threads[s.thread]!;
    if (s.row + 1 > t.rows) t.rows = s.row + 1;
  }
  for (const lane of lanes) {
    let row = 0;
    for (const t of lane.threads) {
      t.firstRow = row;
      row += t.rows;
    }
    lane.rows = Math.max(1, row);
  }
  for (const s of spans) s.row += lanes[s.lane]!.threads[s.thread]!.firstRow;
  spans.sort((a, b) => a.lane - b.lane || a.row - b.row || a.start - b.start);
}
