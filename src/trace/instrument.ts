// Tracing of a transport: its send, recv and matched-probe receives are wrapped on the
// instance (the transport's own code is untouched, and an untraced transport pays
// nothing). Every message of the rank passes here: the user's point-to-point ones and the
// ones collective algorithms send on the communicator's collective context.
import type { TransportOp } from '../transport/op.ts';
import { GROUP_CONTEXT, SEGMENT_CONTEXT, type Matched, type Received, type Transport } from '../transport/transport.ts';
import type { RawSpan } from './events.ts';
import type { Recorder } from './recorder.ts';

/** The library's own plumbing (shared-memory releases, createGroup's agreement), left out of the trace. */
function plumbing(context: number): boolean {
  return context === SEGMENT_CONTEXT || context === GROUP_CONTEXT || context === GROUP_CONTEXT + 1;
}

/** Calls `done` once `op` settles (at once if it has): its value, or its error. */
function settled<T>(op: TransportOp<T>, done: (value: T | undefined, error: unknown) => void): void {
  if (op.done) return done(op.value, op.failed ? (op.error ?? new Error('failed')) : undefined);
  const resolve = op.resolve;
  const reject = op.reject;
  op.resolve = (value: T): void => {
    op.resolve = resolve;
    op.reject = reject;
    done(value, undefined);
    resolve.call(op, value);
  };
  op.reject = (error: unknown): void => {
    op.resolve = resolve;
    op.reject = reject;
    done(undefined, error ?? new Error('failed'));
    reject.call(op, error);
  };
}

function traceRecv(rec: Recorder, span: RawSpan, context: number, op: TransportOp<Received>): void {
  settled(op, (r, error) => {
    if (r) rec.matched(span, context, r.source, r.tag, r.bytes);
    rec.end(span, error);
  });
}

function tracedMatched(rec: Recorder, context: number, m: Matched): Matched {
  const recv = m.recv.bind(m);
  m.recv = (into) => {
    const span = rec.message(false, 'recv', context, m.source, m.tag, undefined);
    const op = recv(into);
    traceRecv(rec, span, context, op);
    return op;
  };
  return m;
}

/** Wraps `t`'s message operations so that `rec` records them; returns `t`. */
export function instrumentTransport(t: Transport, rec: Recorder): Transport {
  const send = t.send.bind(t);
  const recv = t.recv.bind(t);
  const mprobe = t.mprobe.bind(t);
  const improbe = t.improbe.bind(t);
  t.send = (context, dest, tag, kind, bytes, sync) => {
    if (plumbing(context)) return send(context, dest, tag, kind, bytes, sync);
    const span = rec.message(true, sync ? 'ssend' : 'send', context, dest, tag, bytes.byteLength);
    const op = send(context, dest, tag, kind, bytes, sync);
    settled(op, (_v, error) => rec.end(span, error));
    return op;
  };
  t.recv = (context, source, tag, into) => {
    if (plumbing(context)) return recv(context, source, tag, into);
    const span = rec.message(false, 'recv', context, source, tag, undefined);
    const op = recv(context, source, tag, into);
    traceRecv(rec, span, context, op);
    return op;
  };
  t.improbe = (context, source, tag) => {
    const m = improbe(context, source, tag);
    return m && tracedMatched(rec, context, m);
  };
  t.mprobe = (context, source, tag) => {
    const op = mprobe(context, source, tag);
    if (op.done && !op.failed) tracedMatched(rec, context, op.value!);
    else if (!op.done) {
      const finish = op.finish as ((v: never) => Matched) | undefined;
      op.finish = ((v: never) => tracedMatched(rec, context, finish ? finish(v) : (v as Matched))) as never;
    }
    return op;
  };
  return t;
}
