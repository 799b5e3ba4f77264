// Checking arguments and options at the boundary: one message format and one rule for
// the code, for every public call (and for RANKS_* variables, see config/).
//
// The rule (Node's own, ERR_OUT_OF_RANGE vs ERR_INVALID_ARG_TYPE/_VALUE):
// - a value of the right type outside its range (0 for `size`, 1.5 for an integer, -1 for a
//   timeout, NaN) → ArgumentRangeError, code ERR_OUT_OF_RANGE;
// - a value of the wrong type or shape ('2' for a number, a string not among the choices, a
//   non-function callback) → InvalidArgumentError, code ERR_INVALID_ARG.
// Messages: ``Expected `size` to be an integer >= 1, got 0 (number)``.
import { ArgumentRangeError, InvalidArgumentError } from './errors.ts';

/**
 * `value` as an error message shows it: the value, then its type in parentheses:
 * `0 (number)`, `"2" (string)`, `null (null)`, `[1, 2] (array)`, `f (function)`.
 *
 * @example
 * show('x'); // '"x" (string)'
 */
export function show(value: unknown): string {
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  return `${text(value)} (${type})`;
}

function text(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return value.name || 'anonymous';
    case 'symbol':
      return value.toString();
    case 'object':
      if (Array.isArray(value)) return value.length > 8 ? `[${value.slice(0, 8).map(text).join(', ')}, ...]` : `[${value.map(text).join(', ')}]`;
      if (value !== null && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
        return `a ${(value as object).constructor?.name ?? 'object'}`;
      return String(value);
    default:
      return String(value);
  }
}

/**
 * Throws the one error for `value` not being what `name` expects: ArgumentRangeError
 * (ERR_OUT_OF_RANGE) when `rightType` (the value has the right type, outside its range),
 * InvalidArgumentError (ERR_INVALID_ARG) otherwise. For checks this module has no helper for.
 *
 * @example
 * if (!(typeof dims === 'number' && dims >= 1)) expected('dims', 'a number of dimensions >= 1', dims, typeof dims === 'number');
 * // throws: Expected `dims` to be a number of dimensions >= 1, got 0 (number)
 */
export function expected(name: string, what: string, value: unknown, rightType: boolean): never {
  const message = `Expected \`${name}\` to be ${what}, got ${show(value)}`;
  throw rightType ? new ArgumentRangeError(message) : new InvalidArgumentError(message);
}

/** The bounds of {@link checkInteger} and {@link checkNumber}. */
export interface Range {
  /** Smallest value accepted (default: no bound). */
  min?: number;
  /** Largest value accepted (default: no bound). */
  max?: number;
  /** Also accept Infinity (e.g. "no limit"). */
  orInfinity?: boolean;
}

function bounds(r: Range): string {
  const lo = r.min ?? -Infinity;
  const hi = r.max ?? Infinity;
  const range = lo > -Infinity && hi < Infinity ? ` in ${lo}..${hi}` : lo > -Infinity ? ` >= ${lo}` : hi < Infinity ? ` <= ${hi}` : '';
  return `${range}${r.orInfinity ? ', or Infinity' : ''}`;
}

function inRange(n: number, r: Range): boolean {
  return n >= (r.min ?? -Infinity) && n <= (r.max ?? Infinity);
}

/**
 * An integer within `range`. Not a number: ERR_INVALID_ARG; a number that is not an
 * integer or is out of range: ERR_OUT_OF_RANGE.
 *
 * @example
 * checkInteger('size', 0, { min: 1 }); // throws: Expected `size` to be an integer >= 1, got 0 (number)
 */
export function checkInteger(name: string, value: unknown, range: Range = {}): number {
  if (typeof value === 'number' && ((Number.isInteger(value) && inRange(value, range)) || (range.orInfinity && value === Infinity))) return value;
  return expected(name, `an integer${bounds(range)}`, value, typeof value === 'number');
}

/**
 * A number within `range`, finite unless `range.orInfinity`. NaN is out of range.
 *
 * @example
 * checkNumber('killAfter', -1, { min: 0 }); // throws: Expected `killAfter` to be a number >= 0, got -1 (number)
 */
export function checkNumber(name: string, value: unknown, range: Range = {}): number {
  if (typeof value === 'number' && ((Number.isFinite(value) && inRange(value, range)) || (range.orInfinity && value === Infinity))) return value;
  return expected(name, `a number${bounds(range)}`, value, typeof value === 'number');
}

/** The longest timeout a timer can wait (2^31 - 1 ms, about 24.8 days); longer ones would fire at once. */
export const MAX_TIMEOUT = 2 ** 31 - 1;

/**
 * A timeout in milliseconds, as every call that takes one reads it: undefined or Infinity
 * mean no timeout (returns undefined), otherwise a number in 0..MAX_TIMEOUT.
 *
 * @example
 * checkTimeout(Infinity); // undefined: wait as long as it takes
 * checkTimeout(-1); // throws: Expected `timeout` to be a number of milliseconds in 0..2147483647, or Infinity, got -1 (number)
 */
export function checkTimeout(value: unknown, name = 'timeout'): number | undefined {
  if (value === undefined || value === Infinity) return undefined;
  if (typeof value === 'number' && value >= 0 && value <= MAX_TIMEOUT) return value;
  return expected(name, `a number of milliseconds in 0..${MAX_TIMEOUT}, or Infinity`, value, typeof value === 'number');
}

/**
 * A boolean.
 *
 * @example
 * checkBoolean('duplex', 1); // throws: Expected `duplex` to be a boolean, got 1 (number)
 */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return expected(name, 'a boolean', value, false);
}

/**
 * One of `choices` (strings): anything else is ERR_INVALID_ARG.
 *
 * @example
 * checkOneOf('isolation', 'fiber', ['thread', 'process'] as const); // throws: Expected `isolation` to be 'thread' or 'process', got "fiber" (string)
 */
export function checkOneOf<const T extends string>(name: string, value: unknown, choices: readonly T[]): T {
  if ((choices as readonly unknown[]).includes(value)) return value as T;
  const listed = choices.map((c) => `'${c}'`);
  return expected(name, listed.length > 1 ? `${listed.slice(0, -1).join(', ')} or ${listed.at(-1)!}` : listed.join(''), value, false);
}

/**
 * A string, non-empty unless `allowEmpty`.
 *
 * @example
 * checkString('shell', ''); // throws: Expected `shell` to be a non-empty string, got "" (string)
 */
export function checkString(name: string, value: unknown, allowEmpty = false): string {
  if (typeof value === 'string' && (allowEmpty || value !== '')) return value;
  return expected(name, allowEmpty ? 'a string' : 'a non-empty string', value, false);
}

/**
 * A function.
 *
 * @example
 * checkFunction('onJob', 'log'); // throws: Expected `onJob` to be a function, got "log" (string)
 */
export function checkFunction<F extends (...args: never[]) => unknown>(name: string, value: unknown): F {
  if (typeof value === 'function') return value as F;
  return expected(name, 'a function', value, false);
}

/**
 * An array (of anything; check the items yourself).
 *
 * @example
 * checkArray('initArgs', 'x'); // throws: Expected `initArgs` to be an array, got "x" (string)
 */
export function checkArray(name: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value as unknown[];
  return expected(name, 'an array', value, false);
}

/**
 * A plain object (not null, not an array, not a function).
 *
 * @example
 * checkObject('env', 'A=1'); // throws: Expected `env` to be an object, got "A=1" (string)
 */
export function checkObject(name: string, value: unknown): object {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  return expected(name, 'an object', value, false);
}

/**
 * An optional AbortSignal: undefined, or an AbortSignal.
 *
 * @example
 * checkSignal({}); // throws: Expected `signal` to be an AbortSignal, got [object Object] (object)
 */
export function checkSignal(value: unknown, name = 'signal'): AbortSignal | undefined {
  if (value === undefined || value instanceof AbortSignal) return value;
  return expected(name, 'an AbortSignal', value, false);
}

/**
 * A number written as text (a command-line value, an environment variable): NaN unless
 * the whole text, trimmed, is a number (`''` and `'12abc'` are NaN; `'1e3'` is 1000).
 *
 * @example
 * numberFromText(' 42 '); // 42
 */
export function numberFromText(text: string): number {
  return text.trim() === '' ? NaN : Number(text);
}
