// The parts of a job, made into one Chrome trace-event file (the "JSON Object Format" that
// Perfetto and chrome://tracing open): a process per rank, sub-lanes as its threads, a
// complete event per span, flow events from each send to the receive that took it, an
// instant where each rank stopped. The format is written down in the README ("A picture
// of the job") and in docs for the timeline page.
import type { Part, RawSpan } from './events.ts';
import { pairFlows } from './flows.ts';
import { packLanes, type Closed } from './lanes.ts';

/** One Chrome trace event. */
export interface TraceEvent {
  name: string;
  ph: 'X' | 'M' | 's' | 'f' | 'i';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  cat?: string;
  id?: number;
  bp?: 'e';
  s?: 'p' | 'g';
  args?: Record<string, unknown>;
}

/** One rank's lane as otherData lists it. */
export interface LaneInfo {
  pid: number;
  name: string;
  events: number;
  dropped: number;
  reason: string;
}

/** The file's `otherData`. */
export interface OtherData {
  tool: 'ranks';
  version: number;
  ranks: number;
  transport: string;
  /** Epoch milliseconds of ts 0. */
  startTimeMs: number;
  startTime: string;
  clock: 'epoch';
  status: 'ok' | 'failed';
  error?: string;
  lanes: LaneInfo[];
  /** Ranks of the world that left no part (killed before they could write one). */
  missing: number[];
  dropped: number;
  eventLimit: number;
}

/** A whole trace file. */
export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ms';
  otherData: OtherData;
}

/** How the job ended, for the trace. */
export interface JobOutcome {
  status: 'ok' | 'failed';
  /** The job's error (`DeadlockError: ...`). */
  error?: string;
  /** The world's size and transport, when the launcher knows them (else the parts say). */
  size?: number;
  transport?: string;
}

/** Epoch microseconds → the trace's microseconds, rounded to nanoseconds. */
function at(t: number, base: number): number {
  return Math.round((t - base) * 1000) / 1000;
}

function argsOf(s: RawSpan, flow: number | undefined): Record<string, unknown> {
  const args: Record<string, unknown> = { ...s.args };
  if (s.peerWorld !== undefined && s.peerWorld >= 0) args.peerWorld = s.peerWorld;
  if (flow !== undefined) args.flow = flow;
  else if (s.out === true && !s.args.unfinished && !s.args.error) args.unreceived = true;
  if (s.site) args.site = s.site;
  return args;
}

/**
 * Makes the trace file of `parts` (one per rank that wrote one). Sends and receives are
 * paired by flows.ts; each rank's spans are packed into nested sub-lanes by lanes.ts.
 *
 * @example
 * const trace = toChrome(readParts(dir), { status: 'ok' });
 */
export function toChrome(parts: readonly Part[], outcome: JobOutcome): ChromeTrace {
  const sorted = [...parts].sort((a, b) => a.rank - b.rank);
  let base = Infinity;
  for (const p of sorted) {
    base = Math.min(base, p.started);
    for (const s of p.spans) base = Math.min(base, s.t0);
  }
  if (!Number.isFinite(base)) base = Date.now() * 1000;
  const flows = pairFlows(sorted);
  const events: TraceEvent[] = [];
  const lanes: LaneInfo[] = [];
  let last = base;
  for (const p of sorted) {
    const pid = p.rank;
    events.push({ name: 'process_name', ph: 'M', pid, tid: 0, args: { name: p.label } });
    events.push({ name: 'process_sort_index', ph: 'M', pid, tid: 0, args: { sort_index: p.rank } });
    const closed = p.spans.filter((s): s is Closed => s.t1 !== undefined);
    const sub = packLanes(closed);
    let used = 1;
    for (const l of sub.values()) used = Math.max(used, l + 1);
    for (let tid = 0; tid < used; tid++) {
      events.push({ name: 'thread_name', ph: 'M', pid, tid, args: { name: tid === 0 ? p.label : `${p.label} · ${tid}` } });
      events.push({ name: 'thread_sort_index', ph: 'M', pid, tid, args: { sort_index: tid } });
    }
    for (const s of closed) {
      const tid = sub.get(s) ?? 0;
      const flow = flows.get(s);
      const ts = at(s.t0, base);
      events.push({ name: s.name, cat: s.cat, ph: 'X', ts, dur: Math.max(0, at(s.t1, base) - ts), pid, tid, args: argsOf(s, flow) });
      if (flow !== undefined) {
        if (s.out) events.push({ name: 'message', cat: 'msg', ph: 's', id: flow, pid, tid, ts });
        else events.push({ name: 'message', cat: 'msg', ph: 'f', bp: 'e', id: flow, pid, tid, ts });
      }
    }
    events.push({ name: 'end', ph: 'i', s: 'p', pid, tid: 0, ts: at(p.stopped, base), args: { reason: p.reason } });
    last = Math.max(last, p.stopped);
    lanes.push({ pid, name: p.label, events: closed.length, dropped: p.dropped, reason: p.reason });
  }
  if (outcome.status === 'failed') events.push({ name: 'job failed', ph: 'i', s: 'g', pid: 0, tid: 0, ts: at(last, base), args: { error: outcome.error } });
  const size = outcome.size ?? sorted[0]?.size ?? 0;
  const present = new Set(sorted.map((p) => p.rank));
  const startTimeMs = base / 1000;
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: {
      tool: 'ranks',
      version: 1,
      ranks: size,
      transport: outcome.transport ?? sorted[0]?.transport ?? 'threads',
      startTimeMs,
      startTime: new Date(startTimeMs).toISOString(),
      clock: 'epoch',
      status: outcome.status,
      ...(outcome.error !== undefined && { error: outcome.error }),
      lanes,
      missing: Array.from({ length: size }, (_, r) => r).filter((r) => !present.has(r)),
      dropped: sorted.reduce((n, p) => n + p.dropped, 0),
      eventLimit: sorted[0]?.limit ?? 0,
    },
  };
}
