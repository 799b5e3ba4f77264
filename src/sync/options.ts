// Options shared by every blocking call, validated at the boundary (src/validate.ts).
import { checkBoolean, checkSignal, checkTimeout } from '../validate.ts';
import { deadlineAfter, now } from './wait.ts';

/** How long a blocking call may wait. */
export interface WaitOptions {
  /** Milliseconds to wait at most; waits forever when absent or Infinity. */
  timeout?: number;
  /** Stops the wait: the call rejects with `AbortError`. */
  signal?: AbortSignal;
}

/** Options of `acquire`: Python's `acquire(blocking=True, timeout=None)`. */
export interface AcquireOptions extends WaitOptions {
  /** `false` tries once and returns at once. Default `true`. */
  blocking?: boolean;
}

/** Options of a queue's `put` and `get`: Python's `block` and `timeout`. */
export interface BlockOptions extends WaitOptions {
  /** `false` does not wait at all (the `*Nowait` methods). Default `true`. */
  block?: boolean;
}

/** The deadline of a call's options; `block`/`blocking: false` means now. */
export function deadlineOf(options: (AcquireOptions & BlockOptions) | undefined, flag: 'block' | 'blocking' = 'blocking'): number {
  const timeout = checkTimeout(options?.timeout);
  const block = options?.[flag] === undefined ? true : checkBoolean(flag, options[flag]);
  checkSignal(options?.signal);
  return block ? deadlineAfter(timeout) : now();
}
