// A pool scheduler's own state, and the only functions that change it: whether it takes
// tasks, and why not.
import { BrokenPoolError, InvalidStateError } from '../errors.ts';

/**
 * - `open`: takes tasks.
 * - `broken`: a worker died or the workers' results were lost: every pending call failed
 *   with `error`, the workers are being ended, and submits throw it.
 * - `closing`: close() was called: submits throw InvalidStateError; the queued calls run,
 *   then the workers are told to stop. `error` when the pool broke before or meanwhile
 *   (the workers are then ended instead).
 * - `closed`: close() has finished: the workers have ended.
 * - `terminated`: terminate() was called: pending calls failed with `error`, the workers
 *   are ended now; submits throw InvalidStateError.
 */
export type SchedulerState =
  | { readonly kind: 'open' }
  | { readonly kind: 'broken'; readonly error: BrokenPoolError }
  | { readonly kind: 'closing'; readonly error: BrokenPoolError | undefined }
  | { readonly kind: 'closed' }
  | { readonly kind: 'terminated'; readonly error: BrokenPoolError };

/** The scheduler's state; each method is one transition, and says what it changed. */
export class SchedulerPhase {
  private current: SchedulerState = { kind: 'open' };

  get state(): SchedulerState {
    return this.current;
  }

  /** Why nothing more is sent or heard, if so: the error that failed the pending calls. */
  get failure(): BrokenPoolError | undefined {
    const s = this.current;
    return s.kind === 'broken' || s.kind === 'terminated' || s.kind === 'closing' ? s.error : undefined;
  }

  /** Anything but open: no task is taken, and a spent worker is replaced only for the tasks still queued. */
  get stopping(): boolean {
    return this.current.kind !== 'open';
  }

  /**
   * Throws, at the call (as Python does), unless the pool takes tasks: InvalidStateError
   * (ERR_INVALID_STATE) once close(), shutdown() or terminate() was called, BrokenPoolError
   * (ERR_BROKEN_POOL) once a worker died.
   */
  checkOpen(): void {
    const s = this.current;
    if (s.kind === 'open') return;
    if (s.kind === 'broken') throw new BrokenPoolError(s.error.message, { cause: s.error.cause });
    throw new InvalidStateError('The pool is closed: it takes no new tasks after close(), shutdown() or terminate()');
  }

  /** open | broken → closing; false (and no change) once closing, closed or terminated. */
  close(): boolean {
    const s = this.current;
    if (s.kind !== 'open' && s.kind !== 'broken') return false;
    this.current = { kind: 'closing', error: s.kind === 'broken' ? s.error : undefined };
    return true;
  }

  /** closing → closed, once the workers have ended; terminated stays terminated. */
  closed(): void {
    const s = this.current;
    if (s.kind === 'terminated') return;
    if (s.kind !== 'closing') throw new Error(`ranks internal error: a pool cannot go from ${s.kind} to closed`);
    this.current = { kind: 'closed' };
  }

  /**
   * open → broken, or closing → closing with `error`; returns the state it left, or
   * undefined if the pool had already failed or ended (nothing changes then).
   */
  fail(error: BrokenPoolError): SchedulerState['kind'] | undefined {
    const s = this.current;
    if (s.kind === 'open') this.current = { kind: 'broken', error };
    else if (s.kind === 'closing' && !s.error) this.current = { kind: 'closing', error };
    else return undefined;
    return s.kind;
  }

  /** Any state → terminated; `error` fails the pending calls unless the pool had already failed. */
  terminate(error: BrokenPoolError): void {
    this.current = { kind: 'terminated', error: this.failure ?? error };
  }
}
