// Reading a Chrome trace-event file (the format Perfetto and chrome://tracing open): the
// events array, each event checked for the fields the timeline draws from. Events of other
// phases (counters, async, samples) are kept out quietly, as those viewers do.
import { InvalidArgumentError } from '../errors.ts';

/** A lane id as the trace writes it: a number, or a string in some writers. */
export type TraceId = number | string;

/** One trace event, as far as the timeline reads it (the Chrome trace-event format). */
export interface TraceEvent {
  /** The phase: `X` complete span, `B`/`E` begin/end, `s`/`t`/`f` flow, `i`/`I` instant, `M` metadata. */
  ph: string;
  name: string;
  cat: string;
  /** Microseconds. */
  ts: number;
  /** Microseconds (`X` only). */
  dur: number;
  pid: TraceId;
  tid: TraceId;
  /** The flow id (`s`, `t`, `f`). */
  id: string | undefined;
  args: Record<string, unknown>;
}

const DRAWN = new Set(['X', 'B', 'E', 's', 't', 'f', 'i', 'I', 'M']);

function describeValue(v: unknown): string {
  return `${JSON.stringify(v) ?? String(v)} (${v === null ? 'null' : typeof v})`;
}

function notATrace(where: string, message: string): InvalidArgumentError {
  return new InvalidArgumentError(`${where} is not a Chrome trace-event file: ${message}`);
}

function laneId(v: unknown): TraceId | undefined {
  return typeof v === 'number' || typeof v === 'string' ? v : undefined;
}

function flowId(e: Record<string, unknown>): string | undefined {
  const id = e.id ?? e.bind_id ?? (e.id2 as { global?: unknown; local?: unknown } | undefined)?.global ?? (e.id2 as { local?: unknown } | undefined)?.local;
  return typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;
}

/** One raw event, checked: the fields the timeline needs, or a coded error naming the event. */
function readEvent(raw: unknown, index: number, where: string): TraceEvent | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw notATrace(where, `event ${index} is ${describeValue(raw)}, not an object`);
  const e = raw as Record<string, unknown>;
  if (typeof e.ph !== 'string') throw notATrace(where, `Expected event ${index}'s \`ph\` to be a string, got ${describeValue(e.ph)}`);
  if (!DRAWN.has(e.ph)) return undefined;
  const ts = e.ts ?? (e.ph === 'M' ? 0 : undefined);
  if (typeof ts !== 'number' || !Number.isFinite(ts)) throw notATrace(where, `Expected event ${index}'s \`ts\` to be a number, got ${describeValue(e.ts)}`);
  const dur = e.ph === 'X' ? e.dur : 0;
  if (typeof dur !== 'number' || !Number.isFinite(dur) || dur < 0)
    throw notATrace(where, `Expected event ${index}'s \`dur\` to be a number >= 0, got ${describeValue(e.dur)}`);
  const args = e.args !== null && typeof e.args === 'object' && !Array.isArray(e.args) ? (e.args as Record<string, unknown>) : {};
  return {
    ph: e.ph,
    name: typeof e.name === 'string' ? e.name : '',
    cat: typeof e.cat === 'string' ? e.cat : '',
    ts,
    dur,
    pid: laneId(e.pid) ?? 0,
    tid: laneId(e.tid) ?? laneId(e.pid) ?? 0,
    id: flowId(e),
    args,
  };
}

/**
 * The events of a Chrome trace: the JSON array format (`[...]`) or the object format
 * (`{ "traceEvents": [...] }`). `where` names the input in errors (a path). Throws
 * InvalidArgumentError (ERR_INVALID_ARG) for text that is not such a trace.
 */
export function readTraceEvents(json: unknown, where = 'the trace'): TraceEvent[] {
  let list: unknown;
  if (Array.isArray(json)) list = json;
  else if (json !== null && typeof json === 'object' && Array.isArray((json as { traceEvents?: unknown }).traceEvents)) {
    list = (json as { traceEvents: unknown[] }).traceEvents;
  } else {
    const keys = json !== null && typeof json === 'object' ? Object.keys(json).slice(0, 5) : [];
    const got = keys.length > 0 ? `an object with keys ${keys.join(', ')}` : describeValue(json).slice(0, 60);
    throw notATrace(where, `Expected an array of events or an object with a \`traceEvents\` array, got ${got}`);
  }
  const out: TraceEvent[] = [];
  const events = list as unknown[];
  for (let i = 0; i < events.length; i++) {
    const e = readEvent(events[i], i, where);
    if (e) out.push(e);
  }
  return out;
}

/** Parses trace text as JSON, with a coded error (ERR_INVALID_ARG) where it is not JSON. */
export function parseTraceText(text: string, where = 'the trace'): unknown {
  // A trace a job was writing when it died may miss its closing `]`: the format allows it.
  const body = text.trimEnd();
  try {
    return JSON.parse(body);
  } catch (err) {
    if (body.startsWith('[')) {
      try {
        return JSON.parse(`${body.replace(/,\s*$/, '')}]`);
      } catch {
        // not a cut-off array either: report the first error
      }
    }
    throw notATrace(where, `not JSON (${(err as Error).message})`);
  }
}
