// Matched probes (mprobe/improbe) on the transports that match for themselves: the message
// a probe took leaves the matcher's queues and is received only through its Matched.
import type { Incoming } from './matching.ts';
import { TransportOp } from './op.ts';
import type { Matched, Received } from './transport.ts';

/** The Matched of a message a matched probe took; `recv` receives it through the transport's progress. */
export function matched(m: Incoming, recv: (m: Incoming, into: Uint8Array | undefined) => TransportOp<Received>): Matched {
  return { source: m.source, tag: m.tag, kind: m.kind, bytes: m.total, recv: (into) => recv(m, into) };
}

/** A matched probe's operation as a transport returns it: it settles with a Matched whose receive goes through `recv`. */
export function asMatched(probe: TransportOp<Incoming>, recv: (m: Incoming, into: Uint8Array | undefined) => TransportOp<Received>): TransportOp<Matched> {
  const op = probe as TransportOp<unknown>;
  const wrap = (m: Incoming): Matched => matched(m, recv);
  if (op.done) return op.failed ? (op as TransportOp<Matched>) : TransportOp.resolved(wrap(op.value as Incoming));
  op.finish = wrap;
  return op as TransportOp<Matched>;
}
