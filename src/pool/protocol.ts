// What a pool's scheduler (rank 0) and its workers say to each other, over the world's
// point-to-point channels.
import { DataCloneError } from '../errors.ts';
import { sendable, type Calls, type PackedCalls } from './packed-calls.ts';

export const TASK = 1;
export const RESULT = 2;
/** A worker rank of a communicator's pool says it has left (see comm-host.ts). */
export const BYE = 3;

/**
 * A chunk of calls of one task (`null` asks the worker to stop): [chunk id, its number
 * among the chunks sent to this worker (see workers.ts), module URL or
 * null (inline), export name or source, argument lists (packed when they are all
 * numbers: see packed-calls.ts), or null when they hold shared memory and come by the
 * worker's side port].
 */
export type TaskMessage = [id: number, seq: number, module: string | null, name: string, calls: unknown[][] | PackedCalls | null];

/** The name of a chunk whose task is the previous chunk's in the same message (no task is named ''). */
export const SAME_TASK = '';

/** One call's outcome: [1, value] or [0, error]. */
export type Outcome = [1, unknown] | [0, RemoteError];
/** A chunk's outcomes, or its values alone when every call succeeded. */
export type ChunkOutcome = Outcome[] | { values: Values };
/** A chunk's values: numbers alone come as one Float64Array (see packValues). */
export type Values = unknown[] | Float64Array;
/**
 * A chunk's outcomes; or, when every call succeeded, null and the values alone (no pair
 * per call to build, send and read); or null alone when the worker skipped the chunk
 * because rank 0 withdrew it. Both ways, messages carry lists: the chunks rank 0 hands a
 * worker at once, and the replies a worker gathered (it sends them at the end of a batch,
 * or every millisecond).
 */
export type ResultMessage = [id: number, outcomes: Outcome[] | null, values?: Values];

/** A worker's reply about one chunk, decoded from its ResultMessage by decodeReply. */
export type Reply =
  | { readonly kind: 'skipped'; readonly id: number }
  | { readonly kind: 'outcomes'; readonly id: number; readonly outcomes: Outcome[] }
  | { readonly kind: 'values'; readonly id: number; readonly values: Values };

/**
 * The one place rank 0 reads a worker's reply tuple. A tuple of no known shape is a bug
 * (the workers are ranks' own code): it throws, and the pool breaks saying so.
 */
export function decodeReply(msg: ResultMessage): Reply {
  const [id, outcomes, values] = Array.isArray(msg) ? (msg as unknown[]) : [];
  if (typeof id === 'number') {
    if (outcomes === null && values === undefined) return { kind: 'skipped', id };
    if (outcomes === null && (Array.isArray(values) || values instanceof Float64Array)) return { kind: 'values', id, values };
    if (Array.isArray(outcomes) && values === undefined) return { kind: 'outcomes', id, outcomes: outcomes as Outcome[] };
  }
  throw new TypeError(`ranks internal error: a pool worker's reply has no known shape: ${describeShape(msg)}`);
}

function describeShape(msg: unknown): string {
  if (!Array.isArray(msg)) return typeof msg;
  return `[${msg.map((v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)).join(', ')}]`;
}

/**
 * The message element that hands a chunk to a worker; `calls` null when they come by the
 * side port. With `sameTask`, the task is the previous element's and goes unnamed
 * (SAME_TASK): 20 000 one-call chunks would otherwise carry the module's URL 20 000 times.
 */
export function encodeTask(id: number, seq: number, module: string | null, name: string, calls: Calls | null, sameTask: boolean): TaskMessage {
  const sent = calls && sendable(calls);
  return sameTask ? [id, seq, null, SAME_TASK, sent] : [id, seq, module, name, sent];
}

/** An error as it crosses threads: enough to rebuild it with the same name, message and own properties. */
export interface RemoteError {
  name: string;
  message: string;
  stack: string | undefined;
  props: Record<string, unknown>;
  /** A thrown value that is not an Error. */
  value?: unknown;
}

const BUILTIN: Record<string, ErrorConstructor> = { Error, TypeError, RangeError, ReferenceError, SyntaxError, EvalError, URIError };

/** The worker side: describe a thrown value (own properties that cannot be cloned are dropped). */
export function describeError(err: unknown, cloneable: (v: unknown) => boolean): RemoteError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), stack: undefined, props: {}, value: cloneable(err) ? err : String(err) };
  const props: Record<string, unknown> = {};
  for (const k of Object.keys(err)) {
    const v = (err as unknown as Record<string, unknown>)[k];
    if (k !== 'stack' && k !== 'message' && cloneable(v)) props[k] = v;
  }
  return { name: err.name, message: err.message, stack: err.stack, props };
}

/**
 * The scheduler side: the error again, with the same name, message and own properties,
 * and the worker's stack as its `cause`.
 */
export function rebuildError(e: RemoteError): unknown {
  if ('value' in e && e.value !== undefined) return e.value;
  const cause = new Error(`${e.name}: ${e.message} (in the worker)`);
  cause.name = 'RemoteStack';
  cause.stack = e.stack ?? cause.message;
  // A result that could not be sent back (or a send in the task that failed) is a
  // DataCloneError here too: the same class, code and path as a send's.
  if (e.name === 'DataCloneError' && e.props.code === 'ERR_DATA_CLONE' && typeof e.props.path === 'string') {
    const clone = new DataCloneError(e.props.path, '');
    clone.message = e.message;
    clone.cause = cause;
    return clone;
  }
  const ctor = BUILTIN[e.name] ?? Error;
  const err = new ctor(e.message, { cause });
  if (err.name !== e.name) Object.defineProperty(err, 'name', { value: e.name, configurable: true, writable: true });
  Object.assign(err, e.props);
  return err;
}

/** What a Process's worker gets in `workerData.ranksProcess`: its target and its arguments after `share()`. */
export interface ProcessInit {
  /** The target's module URL, or null for an inline function. */
  module: string | null;
  /** The export's name, or the inline function's source. */
  name: string;
  args: unknown[];
  /** The Process's name, for the report of an error. */
  processName: string;
}

/** The values of chunks' outcomes, in order; throws the first failed call's error. */
export function valuesOf<R>(chunks: readonly ChunkOutcome[]): R[] {
  let total = 0;
  for (const outcomes of chunks) total += Array.isArray(outcomes) ? outcomes.length : outcomes.values.length;
  const out = new Array<R>(total);
  let at = 0;
  for (const outcomes of chunks) {
    if (!Array.isArray(outcomes)) {
      const values = outcomes.values;
      for (let i = 0; i < values.length; i++) out[at++] = values[i] as R;
      continue;
    }
    for (const o of outcomes) {
      if (o[0] === 0) throw rebuildError(o[1]);
      out[at++] = o[1] as R;
    }
  }
  return out;
}
