// farm()'s options, their defaults and their validation, at the boundary.
import { availableParallelism } from 'node:os';
import { InvalidArgumentError } from '../errors.ts';
import { checkBoolean, checkFunction, checkInteger, checkObject, checkOneOf, checkSignal, checkString, checkTimeout, expected } from '../validate.ts';
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
  /** Milliseconds a job may run (Infinity: no limit); then its process group gets SIGTERM, and SIGKILL `killAfter` ms later. */
  timeout?: number;
  /** Milliseconds from SIGTERM to SIGKILL when a job is stopped (default 1000; Infinity: never SIGKILL). */
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
  /** undefined: never SIGKILL. */
  killAfter: number | undefined;
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

/** Validates `farm()`'s arguments and fills in the defaults. */
export function checkOptions(template: unknown, inputs: unknown, o: FarmOptions | undefined): CheckedOptions {
  checkString('template', template);
  if (typeof inputs !== 'object' || inputs === null || !(Symbol.iterator in inputs || Symbol.asyncIterator in inputs)) {
    expected('inputs', 'an iterable or async iterable of strings', inputs, false);
  }
  const opts = o === undefined ? {} : (checkObject('options', o) as FarmOptions);
  const jobs = opts.jobs === undefined ? undefined : checkInteger('jobs', opts.jobs, { min: 1 });
  const timeout = checkTimeout(opts.timeout);
  // Infinity: never SIGKILL (undefined below).
  const killAfter = opts.killAfter === undefined ? 1000 : checkTimeout(opts.killAfter, 'killAfter');
  const tail = opts.tail === undefined ? 8192 : checkInteger('tail', opts.tail, { min: 0, orInfinity: true });
  for (const k of ['joblog', 'shell', 'cwd'] as const) if (opts[k] !== undefined) checkString(k, opts[k]);
  if (opts.resume !== undefined && opts.resume !== 'failed') checkBoolean('resume', opts.resume);
  if (opts.resume && opts.joblog === undefined) throw new InvalidArgumentError('`resume` needs `joblog`: the log of the run to resume');
  if (opts.keepOrder !== undefined) checkBoolean('keepOrder', opts.keepOrder);
  if (opts.env !== undefined) checkObject('env', opts.env);
  checkSignal(opts.signal);
  if (opts.spawnFrom !== undefined) checkOneOf('spawnFrom', opts.spawnFrom, ['workers', 'main']);
  if (opts.collect !== undefined) checkBoolean('collect', opts.collect);
  if (opts.onJob !== undefined) checkFunction('onJob', opts.onJob);
  return {
    jobs: jobs ?? availableParallelism(),
    timeout,
    killAfter,
    halt: parseHalt(opts.halt),
    joblog: opts.joblog,
    resume: opts.resume ?? false,
    keepOrder: opts.keepOrder ?? false,
    tail,
    shell: opts.shell ?? '/bin/sh',
    cwd: opts.cwd,
    env: opts.env,
    spawnFrom: opts.spawnFrom ?? 'main',
    signal: opts.signal,
    collect: opts.collect ?? true,
    onJob: opts.onJob,
  };
}
