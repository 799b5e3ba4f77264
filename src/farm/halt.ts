// --halt: when to stop a farm early, GNU parallel's way: `now,fail=1` kills the running
// jobs after the first failure; `soon,fail=3` starts no new job after the third and lets
// the running ones finish; `now,success=1` stops at the first success.
import { InvalidArgumentError } from '../errors.ts';

/** When a farm stops early. */
export interface HaltOptions {
  /** `now` kills the running jobs; `soon` lets them finish. Either way no new job starts. */
  when: 'now' | 'soon';
  /** Counted jobs: failed ones, succeeded ones, or all finished ones. */
  on: 'fail' | 'success' | 'done';
  /** Stop once this many jobs were counted (>= 1). */
  count: number;
}

const SPEC = /^(now|soon),(fail|success|done)=(\d+)$/;

/**
 * Reads `now,fail=1`-style specs (and `never`); validates an options object.
 *
 * @example
 * parseHalt('soon,fail=3'); // { when: 'soon', on: 'fail', count: 3 }
 */
export function parseHalt(spec: string | HaltOptions | undefined): HaltOptions | undefined {
  if (spec === undefined || spec === 'never') return undefined;
  if (typeof spec === 'object' && spec !== null) {
    if ((spec.when === 'now' || spec.when === 'soon') && ['fail', 'success', 'done'].includes(spec.on) && Number.isInteger(spec.count) && spec.count >= 1)
      return { when: spec.when, on: spec.on, count: spec.count };
    throw new InvalidArgumentError(
      `Expected \`halt\` to be { when: 'now' | 'soon', on: 'fail' | 'success' | 'done', count: integer >= 1 }, got ${JSON.stringify(spec)}`,
    );
  }
  const m = typeof spec === 'string' ? SPEC.exec(spec.trim()) : null;
  if (!m || Number(m[3]) < 1)
    throw new InvalidArgumentError(`Expected \`halt\` to be never, or now|soon,fail|success|done=N with N >= 1 (e.g. now,fail=1), got ${JSON.stringify(spec)}`);
  return { when: m[1] as HaltOptions['when'], on: m[2] as HaltOptions['on'], count: Number(m[3]) };
}

/** True once the counts reach the halt condition. */
export function haltReached(halt: HaltOptions | undefined, counts: { failed: number; succeeded: number }): boolean {
  if (!halt) return false;
  const n = halt.on === 'fail' ? counts.failed : halt.on === 'success' ? counts.succeeded : counts.failed + counts.succeeded;
  return n >= halt.count;
}
