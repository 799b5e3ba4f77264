import { CancelledError } from '../errors.ts';
import type { Op } from '../transport/op.ts';
import { Status } from './status.ts';

const noop = (): void => {};

/**
 * A non-blocking operation (`isend`, `irecv`): await it, or poll it with `test()`.
 *
 * @example
 * const reqs = [comm.irecv({ source: 1 }), comm.isend(data, 1)];
 * const [got] = await Request.waitAll(reqs);
 */
export class Request<T = unknown> implements PromiseLike<T> {
  /** Filled when a receive completes. */
  readonly status: Status;
  readonly #op: Op<T>;

  /** @internal */
  constructor(op: Op<T>, status: Status = new Status()) {
    this.#op = op;
    this.status = status;
  }

  then<A = T, B = never>(onFulfilled?: ((value: T) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.#op.promise.then(onFulfilled, onRejected);
  }

  /** The result if the operation has finished, else `undefined`; throws its error if it failed. */
  test(): T | undefined {
    const op = this.#op;
    if (!op.done) return undefined;
    if (op.failed) {
      op.promise.catch(noop);
      throw op.error;
    }
    return op.value;
  }

  /** True once the operation has finished, successfully or not. */
  get done(): boolean {
    return this.#op.done;
  }

  /**
   * Withdraws an operation that has not matched yet; it then rejects with
   * CancelledError. Returns false when it is too late (the message already matched).
   */
  cancel(): boolean {
    const ok = this.#op.cancel(new CancelledError('request'));
    if (ok) {
      this.status.cancelled = true;
      this.#op.promise.catch(noop);
    }
    return ok;
  }

  /** Waits for every request; rejects with the first error. */
  static waitAll<T>(requests: readonly PromiseLike<T>[]): Promise<T[]> {
    return Promise.all(requests);
  }

  /** Waits for the first request to finish; resolves with its index and value. */
  static waitAny<T>(requests: readonly PromiseLike<T>[]): Promise<{ index: number; value: T }> {
    return Promise.race(requests.map((r, index) => Promise.resolve(r).then((value) => ({ index, value }))));
  }

  /** Every result if all requests have finished, else `undefined`; throws the first error. */
  static testAll<T>(requests: readonly Request<T>[]): T[] | undefined {
    const out: T[] = [];
    for (const r of requests) {
      if (!r.done) return undefined;
      out.push(r.test() as T);
    }
    return out;
  }
}
