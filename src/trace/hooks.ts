// What the communicator and requests call while tracing is on (they check `recording`
// first, so none of this runs otherwise).
import type { SpanArgs } from './events.ts';
import type { Recorder } from './recorder.ts';

const ROOTED = new Set(['bcast', 'scatter', 'gather', 'reduce']);

/** Payload bytes of a raw value (TypedArray, DataView, ArrayBuffer); undefined for objects. */
function rawBytes(value: unknown): number | undefined {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)) return value.byteLength;
  return undefined;
}

/** A collective's span, from the call to its result on this rank: its name, communicator, root (rooted ones) and this rank's payload bytes (raw ones). */
export function traceCollective<T>(rec: Recorder, done: Promise<T>, name: string, comm: string, root: number | undefined, value: unknown): Promise<T> {
  const args: SpanArgs = { comm };
  if (ROOTED.has(name) && root !== undefined) args.root = root;
  const bytes = rawBytes(value);
  if (bytes !== undefined) args.bytes = bytes;
  return rec.around(done, 'coll', name, args);
}

/** A wait's span (awaiting requests): `wait`, `waitAll`, `waitAny`, `waitSome`. */
export function traceWait<T>(rec: Recorder, p: Promise<T>, name: string, count: number): Promise<T> {
  return rec.around(p, 'wait', name, { count });
}
