import { settleable } from '../promise.ts';

/**
 * One pending transport operation: a promise plus its settled state, so callers can
 * test it synchronously (`Request.test()`) and transports can cancel it.
 */
export class TransportOp<T> {
  done = false;
  failed = false;
  value: T | undefined;
  error: unknown;
  /** Turns the transport's result into the caller's value, so awaiting costs one hop. */
  finish: ((value: never) => T) | undefined;
  /** Called once when the operation settles (clears timers, listeners). */
  onSettle: (() => void) | undefined;
  private lazy: Promise<T> | undefined;
  /** Set by the transport: removes the operation from its queues; false if too late. */
  canceller: (() => boolean) | undefined;
  /** @internal The lazy promise's resolving functions. */
  resolveWith: ((v: T) => void) | undefined;
  /** @internal */
  rejectWith: ((e: unknown) => void) | undefined;

  /** Made on first use: operations that finish at once and are read synchronously need none. */
  get promise(): Promise<T> {
    if (this.lazy) return this.lazy;
    if (this.done) return (this.lazy = this.failed ? Promise.reject(this.error) : Promise.resolve(this.value as T));
    return (this.lazy = settleable(this));
  }

  /** An operation that finished as soon as it started. */
  static resolved<T = void>(value: T): TransportOp<T> {
    const op = new TransportOp<T>();
    op.resolve(value);
    return op;
  }

  resolve(value: T): void {
    if (this.done) return;
    if (this.finish) {
      try {
        value = this.finish(value as never);
      } catch (err) {
        this.reject(err);
        return;
      }
    }
    this.done = true;
    this.value = value;
    this.onSettle?.();
    this.resolveWith?.(value);
  }

  reject(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.failed = true;
    this.error = error;
    this.onSettle?.();
    this.rejectWith?.(error);
  }

  /** Withdraws the operation if it has not matched yet; settles it with `error` then. */
  cancel(error: unknown): boolean {
    if (this.done || !this.canceller?.()) return false;
    this.reject(error);
    return true;
  }
}
