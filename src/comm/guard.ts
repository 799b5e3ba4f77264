import { AbortError, TimeoutError } from '../errors.ts';
import type { TransportOp } from '../transport/op.ts';

/**
 * Lets `signal` and `timeout` withdraw an operation that has not matched yet. A matched
 * operation is past the point of no return and finishes normally.
 */
export function guard(op: TransportOp<unknown>, what: string, signal: AbortSignal | undefined, timeout: number | undefined): void {
  if (op.done || (signal === undefined && timeout === undefined)) return;
  if (signal?.aborted) {
    op.cancel(new AbortError(what, signal.reason));
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  if (timeout !== undefined) timer = setTimeout(() => op.cancel(new TimeoutError(what, timeout)), timeout);
  if (signal) {
    onAbort = () => op.cancel(new AbortError(what, signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
  }
  op.onSettle = () => {
    if (timer) clearTimeout(timer);
    if (onAbort) signal!.removeEventListener('abort', onAbort);
  };
}
