// Options shared by every blocking call, validated at the boundary.
import { InvalidArgumentError } from '../errors.ts';
import { checkTimeout } from '../comm/validate.ts';
import { deadlineAfter, now } from './wait.ts';

/** How long a blocking call may wait. */
export interface WaitOptions {
  /** Milliseconds to wait at most; waits forever when absent. */
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

function show(value: unknown): string {
  return `${String(value)} (${typeof value})`;
}

/** The deadline of a call's options; `block`/`blocking: false` means now. */
export function deadlineOf(options: AcquireOptions & BlockOptions | undefined, flag: 'block' | 'blocking' = 'blocking'): number {
  const timeout = checkTimeout(options?.timeout);
  const block = options?.[flag];
  if (block !== undefined && typeof block !== 'boolean') throw new InvalidArgumentError(`Expected \`${flag}\` to be a boolean, got ${show(block)}`);
  checkSignal(options?.signal);
  return block === false ? now() : deadlineAfter(timeout);
}

/** Validates an optional AbortSignal. */
export function checkSignal(signal: unknown): AbortSignal | undefined {
  if (signal === undefined || signal instanceof AbortSignal) return signal;
  throw new InvalidArgumentError(`Expected \`signal\` to be an AbortSignal, got ${show(signal)}`);
}

/** Validates an integer option with a lower bound. */
export function checkInt(name: string, value: unknown, min: number, max = 2 ** 31 - 1): number {
  if (Number.isInteger(value) && (value as number) >= min && (value as number) <= max) return value as number;
  throw new InvalidArgumentError(`Expected \`${name}\` to be an integer >= ${min}${max < 2 ** 31 - 1 ? ` and <= ${max}` : ''}, got ${show(value)}`);
}
