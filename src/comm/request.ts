import { CancelledError } from '../errors.ts';
import { traceWait } from '../trace/hooks.ts';
import { recording } from '../trace/recorder.ts';
import { TransportOp } from '../transport/op.ts';
import type { Prequest } from './prequest.ts';
import { Status } from './status.ts';

const noop = (): void => {};
const NONE = TransportOp.resolved<undefined>(undefined);

/** What `Request.waitSome` and `Request.testSome` report: the finished requests' indices and values. */
export interface SomeDone<T> {
  indices: number[];
  values: T[];
}

/**
 * A non-blocking operation (`isend`, `irecv`): await it, or poll it with `test()`.
 *
 * `waitAny`, `testAny`, `waitSome` and `testSome` report each request once: one they have
 * reported is inactive for them afterwards (MPI's `REQUEST_NULL` rule), so calling them
 * again in a loop goes through every request.
 *
 * @example
 * const reqs = [comm.irecv({ source: 1 }), comm.isend(data, 1)];
 * const [got] = await Request.waitAll(reqs);
 */
export class Request<T = unknown> implements PromiseLike<T> {
  /** Filled when a receive completes. */
  readonly status: Status;
  /** @internal The operation (its value a T); undefined for a persistent request never started. */
  op: TransportOp<unknown> | undefined;
  /** @internal Reported by waitAny/testAny/waitSome/testSome (inactive for them), or a persistent request not started. */
  inactive = false;

  /** @internal */
  constructor(op: TransportOp<T> | undefined, status: Status = new Status()) {
    this.op = op as TransportOp<unknown> | undefined;
    this.status = status;
  }

  then<A = T, B = never>(
    onFulfilled?: ((value: T) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    const op = (this.op ?? NONE) as TransportOp<T>;
    if (recording && !op.done) void traceWait(recording, op.promise, 'wait', 1);
    return op.promise.then(onFulfilled, onRejected);
  }

  /**
   * Resolves like awaiting the request (MPI_Wait), with the operation's own promise: the
   * cheapest way to wait in a hot loop.
   *
   * @example
   * await req.start().wait();
   */
  wait(): Promise<T> {
    const op = (this.op ?? NONE) as TransportOp<T>;
    return recording && !op.done ? traceWait(recording, op.promise, 'wait', 1) : op.promise;
  }

  /** The result if the operation has finished, else `undefined`; throws its error if it failed. */
  test(): T | undefined {
    const op = this.op;
    if (!op?.done) return undefined;
    if (op.failed) {
      op.promise.catch(noop);
      throw op.error;
    }
    return op.value as T;
  }

  /** True once the operation has finished, successfully or not. */
  get done(): boolean {
    return this.op?.done ?? true;
  }

  /**
   * Withdraws an operation that has not matched yet; it then rejects with
   * CancelledError. Returns false when it is too late (the message already matched).
   */
  cancel(): boolean {
    const op = this.op;
    // Too late already: no error to build (a stack trace costs microseconds).
    if (!op || op.done) return false;
    const ok = op.cancel(new CancelledError('request'));
    if (ok) {
      this.status.cancelled = true;
      op!.promise.catch(noop);
    }
    return ok;
  }

  /** Waits for every request; resolves with their values in order (typed per position); rejects with the first error. */
  static waitAll<const R extends readonly PromiseLike<unknown>[]>(requests: R): Promise<{ -readonly [K in keyof R]: Awaited<R[K]> }> {
    const all = Promise.all(requests) as Promise<{ -readonly [K in keyof R]: Awaited<R[K]> }>;
    return recording ? traceWait(recording, all, 'waitAll', requests.length) : all;
  }

  /**
   * Waits for the first active request to finish; resolves with its index and value, and
   * marks it inactive for waitAny/testAny/waitSome/testSome. Resolves `undefined` when no
   * request is active (all reported already). A failed one rejects (and is inactive after).
   *
   * @example
   * for (let r = await Request.waitAny(reqs); r; r = await Request.waitAny(reqs)) use(r.index, r.value);
   */
  static waitAny<T>(requests: readonly PromiseLike<T>[]): Promise<{ index: number; value: T } | undefined> {
    let now;
    try {
      now = Request.testAny(requests as readonly Request<T>[], true);
    } catch (err) {
      return Promise.reject(err);
    }
    if (now !== null) return Promise.resolve(now);
    const race: Promise<{ index: number; value: T }>[] = [];
    requests.forEach((r, index) => {
      if (isActive(r))
        race.push(
          Promise.resolve(r).then(
            (value) => ({ index, value }),
            (err: unknown) => Promise.reject(new Reported(index, err)),
          ),
        );
    });
    const raced = Promise.race(race);
    if (recording) void traceWait(recording, raced, 'waitAny', race.length);
    return raced.then(
      (got) => {
        report(requests[got.index]);
        return got;
      },
      (err: unknown) => {
        if (!(err instanceof Reported)) throw err;
        report(requests[err.index]);
        throw err.error;
      },
    );
  }

  /**
   * The index and value of an active request that has finished, which becomes inactive;
   * `undefined` when none has (or none is active). Throws a failed one's error.
   *
   * @example
   * const got = Request.testAny(reqs); if (got) use(got.index, got.value);
   */
  static testAny<T>(requests: readonly Request<T>[]): { index: number; value: T } | undefined;
  /** @internal With `orNull`: null when some active request is pending and none finished. */
  static testAny<T>(requests: readonly Request<T>[], orNull: true): { index: number; value: T } | undefined | null;
  static testAny<T>(requests: readonly Request<T>[], orNull = false): { index: number; value: T } | undefined | null {
    let pending = false;
    for (let index = 0; index < requests.length; index++) {
      const r = requests[index]!;
      if (!isActive(r)) continue;
      if (!(r instanceof Request)) {
        pending = true;
        continue;
      }
      if (!r.done) {
        pending = true;
        continue;
      }
      r.inactive = true;
      return { index, value: r.test() as T };
    }
    return pending && orNull ? null : undefined;
  }

  /**
   * Waits until at least one active request has finished; resolves with every active one
   * that has by then (each becomes inactive), or `undefined` when none is active. Throws
   * the first failed one's error (they are all inactive after).
   *
   * @example
   * for (let s = await Request.waitSome(reqs); s; s = await Request.waitSome(reqs)) s.indices.forEach(handle);
   */
  static async waitSome<T>(requests: readonly Request<T>[]): Promise<SomeDone<T> | undefined> {
    const some = Request.testSome(requests);
    if (!some || some.indices.length > 0) return some;
    const active = requests.filter(isActive);
    const first = Promise.race(active.map((r) => Promise.resolve(r).then(noop, noop)));
    await (recording ? traceWait(recording, first, 'waitSome', active.length) : first);
    return Request.testSome(requests);
  }

  /**
   * Every active request that has finished (each becomes inactive): possibly none, or
   * `undefined` when no request is active. Throws the first failed one's error.
   *
   * @example
   * const some = Request.testSome(reqs); // { indices: [0, 2], values: [a, c] }
   */
  static testSome<T>(requests: readonly Request<T>[]): SomeDone<T> | undefined {
    const out: SomeDone<T> = { indices: [], values: [] };
    let active = false;
    let error: { err: unknown } | undefined;
    requests.forEach((r, index) => {
      if (!isActive(r)) return;
      active = true;
      if (!r.done) return;
      r.inactive = true;
      try {
        out.values.push(r.test() as T);
        out.indices.push(index);
      } catch (err) {
        error ??= { err };
      }
    });
    if (error) throw error.err;
    return active ? out : undefined;
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

  /**
   * Starts every persistent request (`comm.sendInit`, `comm.recvInit`) in order.
   *
   * @example
   * Request.startAll(reqs); await Request.waitAll(reqs);
   */
  static startAll(requests: readonly Prequest<unknown>[]): void {
    for (const r of requests) r.start();
  }
}

/** A failed request's error with its index, inside waitAny. */
class Reported {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {}
}

function isActive(r: PromiseLike<unknown>): boolean {
  return !(r instanceof Request) || !r.inactive;
}

function report(r: PromiseLike<unknown> | undefined): void {
  if (r instanceof Request) r.inactive = true;
}
