// farm(): a shell command template run over many inputs on every core, GNU parallel's
// way, built on a Pool whose workers spawn the jobs (see job.ts).
import { AbortError } from '../errors.ts';
import { Pool } from '../pool/pool.ts';
import { tasks } from '../pool/tasks.ts';
import { haltReached } from './halt.ts';
import { DRAIN, KILL, RUN, makeRunner, type JobConfig, type JobOutcome, type JobSpec } from './job.ts';
import { Joblog, succeededInputs } from './joblog.ts';
import { unorderedLocal } from './local.ts';
import { checkOptions, type FarmOptions, type FarmProgress } from './options.ts';
import { exitStatus, toResult, type FarmResult, type JobResult } from './result.ts';
import { expand } from './template.ts';

// Workers load job.ts by URL: job.js next to this file once built, job.ts under tsx.
const JOB = tasks<typeof import('./job.ts')>(new URL(import.meta.url.endsWith('.ts') ? './job.ts' : './job.js', import.meta.url));

type Pull = IteratorResult<unknown> | 'stopped';

/**
 * Runs the shell command `template` once per input, `jobs` at a time, and resolves with
 * every job's result. Placeholders: `{}` the input, `{.}` without extension, `{/}`
 * basename, `{//}` dirname, `{/.}` basename without extension, `{#}` the job number; each
 * is replaced by the value single-quoted for `/bin/sh`, so an input is never shell code.
 * A template without `{}` gets the input appended. Jobs that fail do not reject: see
 * `failed` and each result's `ok`.
 *
 * @example
 * const r = await farm('./mmul.x < {} > {}.out', ['in0', 'in1', 'in2', 'in3'], { jobs: 4 });
 * if (r.failed) console.error(r.jobs.filter((j) => !j.ok).map((j) => j.stderr));
 */
export async function farm(template: string, inputs: Iterable<string> | AsyncIterable<string>, options?: FarmOptions): Promise<FarmResult> {
  const o = checkOptions(template, inputs, options);
  if (o.signal?.aborted) throw new AbortError('The farm', o.signal.reason);
  const skip = o.resume ? succeededInputs(o.joblog!) : new Map<string, number>();
  const log = o.joblog ? new Joblog(o.joblog, o.resume) : undefined;
  const state = new Int32Array(new SharedArrayBuffer(4));
  const config: JobConfig = { shell: o.shell, cwd: o.cwd, env: o.env, timeout: o.timeout, killAfter: o.killAfter, tail: o.tail };
  const local = o.spawnFrom === 'main' ? makeRunner(config, state) : undefined;
  const progress: FarmProgress = { read: 0, skipped: 0, done: 0, succeeded: 0, failed: 0, exhausted: false };
  let wakeReader: ((p: Pull) => void) | undefined;
  let halted = false;
  // DRAIN: start no new job; KILL: also stop the running ones (in every worker).
  const stop = (level: number): void => {
    if (Atomics.load(state, 0) < level) Atomics.store(state, 0, level);
    Atomics.notify(state, 0);
    if (level === KILL) local?.stopAll();
    wakeReader?.('stopped');
  };
  const onAbort = (): void => stop(KILL);
  o.signal?.addEventListener('abort', onAbort, { once: true });

  async function* specs(): AsyncGenerator<JobSpec, void, undefined> {
    const it = Symbol.asyncIterator in inputs ? inputs[Symbol.asyncIterator]() : inputs[Symbol.iterator]();
    try {
      for (let job = 1; ; job++) {
        if (Atomics.load(state, 0) !== RUN) return;
        // A halt must not wait for the next line of a slow input.
        const pull = Promise.resolve(it.next());
        pull.catch(() => undefined); // read after a halt: nobody waits for it any more
        const next = await Promise.race([pull, new Promise<Pull>((r) => (wakeReader = r))]);
        wakeReader = undefined;
        if (next === 'stopped' || Atomics.load(state, 0) !== RUN) return;
        if (next.done) break;
        const input = typeof next.value === 'string' ? next.value : String(next.value);
        progress.read++;
        const left = skip.get(input);
        if (left) {
          skip.set(input, left - 1);
          progress.skipped++;
          continue;
        }
        yield { job, input, command: expand(template, input, job) };
      }
      progress.exhausted = true;
    } finally {
      // After a halt the reader may still wait on its next line: close it without waiting.
      if (!progress.exhausted) Promise.resolve(it.return?.()).catch(() => undefined);
    }
  }

  const size = Array.isArray(inputs) ? Math.max(1, Math.min(o.jobs, inputs.length)) : o.jobs;
  const pool = local ? undefined : new Pool({ size, initializer: JOB.init, initArgs: [config, state] });
  const outcomes = pool ? (pool.imapUnordered(JOB.runJob, specs()) as AsyncGenerator<JobOutcome>) : unorderedLocal(local!.run, specs(), size);
  const jobs: JobResult[] = [];
  let notRun = 0;
  let failure = true;
  try {
    for await (const out of outcomes) {
      if (!out.started) {
        notRun++;
        continue;
      }
      const r = toResult(out);
      if (o.collect) jobs.push(r);
      log?.write(out);
      progress.done++;
      if (r.ok) progress.succeeded++;
      else if (!r.halted) progress.failed++;
      if (!halted && haltReached(o.halt, progress)) {
        halted = true;
        stop(o.halt!.when === 'now' ? KILL : DRAIN);
      }
      o.onJob?.(r, { ...progress });
    }
    failure = false;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    log?.close();
    if (failure) stop(KILL);
    await pool?.close();
  }
  if (o.signal?.aborted) throw new AbortError('The farm', o.signal.reason);
  jobs.sort((a, b) => a.job - b.job);
  return { jobs, succeeded: progress.succeeded, failed: progress.failed, skipped: progress.skipped, notRun, halted, exitCode: exitStatus(progress.failed) };
}
