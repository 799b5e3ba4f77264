// Synchronous sends (ssend) on the transports that match for themselves (threads,
// processes): the sender waits for the receiver's acknowledgement that a receive matched.
import { TransportOp } from './op.ts';

/**
 * The context of the acknowledgements of synchronous sends made on `context`: a negative
 * number, so never a communicator's. The receiver sends one (empty, the original tag)
 * when a receive matches a synchronous message; messages of one (context, source, tag)
 * match in the order they were sent, so the sender's acknowledgement receives, posted in
 * send order, pair up with its synchronous sends.
 */
export function ackContext(context: number): number {
  return -1 - context;
}

/**
 * A synchronous send's TransportOp: settles once the message is written (`sent`) and the receiver
 * has acknowledged that a receive matched it (`ack`, a receive on ackContext posted before
 * the message was written). Cancelling withdraws both while the message is unwritten.
 */
export function synchronous<A>(ack: TransportOp<A>, sent: TransportOp<void>): TransportOp<void> {
  if (sent.failed) {
    ack.canceller?.();
    return sent;
  }
  if (ack.done && sent.done) return ack.failed ? rejected(ack.error) : sent;
  const op = new TransportOp<void>();
  const settled = (): void => {
    if (op.done) return;
    if (sent.failed) op.reject(sent.error);
    else if (ack.failed) op.reject(ack.error);
    else if (sent.done && ack.done) op.resolve(undefined);
  };
  if (!sent.done) sent.onSettle = settled;
  if (!ack.done) ack.onSettle = settled;
  op.canceller = () => {
    if (sent.done || !sent.canceller?.()) return false;
    ack.canceller?.();
    return true;
  };
  return op;
}

function rejected<T>(err: unknown): TransportOp<T> {
  const op = new TransportOp<T>();
  op.reject(err);
  return op;
}
