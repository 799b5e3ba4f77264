// farm()'s options, their defaults and their validation, at the boundary.
import { availableParallelism } from 'node:os';
import { ArgumentRangeError, InvalidArgumentError } from '../errors.ts';
import { parseHalt, type HaltOptions } from './halt.ts';
import type { JobResult } from './result.ts';

/** One job's input: one argument, or one per input source (`{1}`, `{2}`, …). */
export type FarmInput = string | readonly string[];

/** How far a farm has got, handed to `onJob` after every job. */
export interface FarmProgress {
  /** Inputs read so far (skipped ones included). */
  read: number;
  /** Inputs skipped because they succeeded in the joblog (`resume`). */
  skipped: number;
  /** Jobs finished. */
  done: number;
  succeeded: number;
  /** Jobs that failed (not counting those stopped by `halt: 'now,…'` or the signal). */
  failed: number;
  /** True once every input has been read: `read` is then the total. */
  exhausted: boolean;
}

/** Options of `farm()`. */
export interface FarmOptions {
  /** Jobs run at once (>= 1); default: the number of cores. */
  jobs?: number;
  /** Milliseconds a job may run; then its process group gets SIGTERM, and SIGKILL `killAfter` ms later. */
  timeout?: number;
  /** Milliseconds from SIGTERM to SIGKILL when a job is stopped (default 1000). */
  killAfter?: number;
  /** Stop early: `'now,fail=1'`, `'soon,fail=3'`, `'now,success=1'`, … or `'never'` (default). */
  halt?: string | HaltOptions;
  /** A file to log every job in (GNU parallel's joblog columns, plus Input). */
  joblog?: string;
  /**
   * Resume an interrupted farm from `joblog`, appending to it. `true` skips every input
   * the log lists, done or failed (GNU parallel's --resume); `'failed'` skips only those
   * that succeeded, so the failed ones run again (--resume-failed). Inputs are matched by
   * their arguments (the log's Input column), as often as they were logged.
   */
  resume?: boolean | 'failed';
  /** Call `onJob` in input order rather than as jobs finish (GNU parallel's --keep-order). */
  keepOrder?: boolean;
  /** Bytes of each job's stdout and stderr kept in its result (default 8192; Infinity keeps all). */
  tail?: number;
  /** The shell that runs each command with `-c` (default `/bin/sh`). */
  shell?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Where jobs are spawned: `'main'` (default), this thread, or `'workers'`, each job slot
   * a pool worker thread. Forking costs more while other threads of the process are busy,
   * so `'main'` is faster for many tiny jobs; either way jobs run as separate processes.
   */
  spawnFrom?: 'workers' | 'main';
  /** Stops the farm: no new job starts, the running ones are killed, and `farm()` rejects with AbortError. */
  signal?: AbortSignal;
  /** false: keep no results (`jobs` stays empty), for endless inputs or big outputs handled in `onJob`. Default true. */
  collect?: boolean;
  /** Called as each job finishes, in the order they finish (in input order with `keepOrder`). */
  onJob?: (result: JobResult, progress: FarmProgress) => void;
}

/** The options with defaults filled in. */
export interface CheckedOptions {
  jobs: number;
  timeout: number | undefined;
  killAfter: number;
  halt: HaltOptions | undefined;
  joblog: string | undefined;
  resume: boolean | 'failed';
  keepOrder: boolean;
  tail: number;
  shell: string;
  cwd: string | undefined;
  env: NodeJS.ProcessEnv | undefined;
  spawnFrom: 'workers' | 'main';
  signal: AbortSignal | undefined;
  collect: boolean;
  onJob: FarmOptions['onJob'];
}

function number(name: string, value: unknown, min: number, integer: boolean): void {
  if (typeof value === 'number' && value >= min && (!integer || Number.isInteger(value) || value === Infinity)) return;
  throw new ArgumentRangeError(`Expected \`${name}\` to be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${String(value)} (${typeof value})`);
}

function string(name: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') throw new InvalidArgumentError(`Expected \`${name}\` to be a non-empty string, got ${String(value)} (${typeof value})`);
}

/** Validates `farm()`'s arguments and fills in the defaults. */
export function checkOptions(template: unknown, inputs: unknown, o: FarmOptions | undefined): CheckedOptions {
  string('template', template);
  if (typeof inputs !== 'object' || inputs === null || !(Symbol.iterator in inputs || Symbol.asyncIterator in inputs) || typeof inputs === 'string') {
    throw new InvalidArgumentError(`Expected \`inputs\` to be an iterable or async iterable of strings, got ${typeof inputs === 'string' ? 'a string' : String(inputs)}`);
  }
  const opts = o ?? {};
  if (opts.jobs !== undefined) number('jobs', opts.jobs, 1, true);
  if (opts.jobs === Infinity) throw new ArgumentRangeError('Expected `jobs` to be finite');
  if (opts.timeout !== undefined) number('timeout', opts.timeout, 0, false);
  if (opts.killAfter !== undefined) number('killAfter', opts.killAfter, 0, false);
  if (opts.tail !== undefined) number('tail', opts.tail, 0, true);
  for (const k of ['joblog', 'shell', 'cwd'] as const) if (opts[k] !== undefined) string(k, opts[k]);
  if (opts.resume !== undefined && typeof opts.resume !== 'boolean' && opts.resume !== 'failed') throw new InvalidArgumentError(`Expected \`resume\` to be a boolean or 'failed', got ${String(opts.resume)} (${typeof opts.resume})`);
  if (opts.resume && opts.joblog === undefined) throw new InvalidArgumentError('`resume` needs `joblog`: the log of the run to resume');
  if (opts.keepOrder !== undefined && typeof opts.keepOrder !== 'boolean') throw new InvalidArgumentError(`Expected \`keepOrder\` to be a boolean, got ${String(opts.keepOrder)} (${typeof opts.keepOrder})`);
  if (opts.env !== undefined && (typeof opts.env !== 'object' || opts.env === null)) throw new InvalidArgumentError('Expected `env` to be an object');
  if (opts.signal !== undefined && !(opts.signal instanceof AbortSignal)) throw new InvalidArgumentError('Expected `signal` to be an AbortSignal');
  if (opts.spawnFrom !== undefined && opts.spawnFrom !== 'workers' && opts.spawnFrom !== 'main') throw new InvalidArgumentError(`Expected \`spawnFrom\` to be 'workers' or 'main', got ${String(opts.spawnFrom)}`);
  if (opts.collect !== undefined && typeof opts.collect !== 'boolean') throw new InvalidArgumentError(`Expected \`collect\` to be a boolean, got ${String(opts.collect)}`);
  if (opts.onJob !== undefined && typeof opts.onJob !== 'function') throw new InvalidArgumentError('Expected `onJob` to be a function');
  return {
    jobs: opts.jobs ?? availableParallelism(),
    timeout: opts.timeout,
    killAfter: opts.killAfter ?? 1000,
    halt: parseHalt(opts.halt),
    joblog: opts.joblog,
    resume: opts.resume ?? false,
    keepOrder: opts.keepOrder ?? false,
    tail: opts.tail ?? 8192,
    shell: opts.shell ?? '/bin/sh',
    cwd: opts.cwd,
    env: opts.env,
    spawnFrom: opts.spawnFrom ?? 'main',
    signal: opts.signal,
    collect: opts.collect ?? true,
    onJob: opts.onJob,
  };
}
