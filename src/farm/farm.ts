// farm(): a shell command template run over many inputs on every core, GNU parallel's
// way, built on a Pool whose workers spawn the jobs (see job.ts).
import { AbortError, InvalidArgumentError } from '../errors.ts';
import { Pool } from '../pool/pool.ts';
import { tasks } from '../pool/tasks.ts';
import { haltReached } from './halt.ts';
import { DRAIN, KILL, RUN, makeRunner, type JobConfig, type JobOutcome, type JobSpec } from './job.ts';
import { encodeInput, Joblog, loggedInputs } from './joblog.ts';
import { unorderedLocal } from './local.ts';
import { checkOptions, type FarmInput, type FarmOptions, type FarmProgress } from './options.ts';
import { exitStatus, toResult, type FarmResult, type JobResult, type NotStarted } from './result.ts';
import { compileTemplate } from './template.ts';

// Workers load job.ts by URL: job.js next to this file once built, job.ts under tsx.
const JOB = tasks<typeof import('./job.ts')>(new URL(import.meta.url.endsWith('.ts') ? './job.ts' : './job.js', import.meta.url));

type Pull = IteratorResult<unknown> | 'stopped';

/**
 * Runs the shell command `template` once per input, `jobs` at a time, and resolves with
 * every job's result. An input is one argument (a string) or several (an array: one per
 * input source, GNU parallel's `::: a b ::: x y`). Replacement strings: `{}` the
 * argument(s), `{.}` without extension, `{/}` basename, `{//}` dirname, `{/.}` basename
 * without extension, `{N}` (`{N.}`, …) the Nth argument, `{#}` the job number, `{%}` the
 * job slot; each argument is single-quoted for `/bin/sh`, so an input is never shell
 * code. A template without any gets the arguments appended. Jobs that fail do not
 * reject: see `failed` and each result's `ok`.
 *
 * @example
 * const r = await farm('./mmul.x < {} > {}.out', ['in0', 'in1', 'in2', 'in3'], { jobs: 4 });
 * if (r.failed) console.error(r.jobs.filter((j) => !j.ok).map((j) => j.stderr));
 * await farm('convert {1} -resize {2} {1.}-{2}.png', [['a.jpg', '50%'], ['b.jpg', '50%']]);
 */
export async function farm(template: string, inputs: Iterable<FarmInput> | AsyncIterable<FarmInput>, options?: FarmOptions): Promise<FarmResult> {
  const o = checkOptions(template, inputs, options);
  const compiled = compileTemplate(template);
  if (o.signal?.aborted) throw new AbortError('The farm', o.signal.reason);
  const skip = o.resume ? loggedInputs(o.joblog!, o.resume === 'failed' ? 'succeeded' : 'all') : new Map<string, number>();
  const log = o.joblog ? new Joblog(o.joblog, o.resume !== false) : undefined;
  // Word 0: RUN / DRAIN / KILL; words 1..jobs: the job slots ({%}).
  const state = new Int32Array(new SharedArrayBuffer(4 * (1 + o.jobs)));
  const config: JobConfig = { shell: o.shell, cwd: o.cwd, env: o.env, timeout: o.timeout, killAfter: o.killAfter, tail: o.tail, template };
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
      for (let job = 1, seq = 0; ; job++) {
        if (Atomics.load(state, 0) !== RUN) return;
        // A halt must not wait for the next line of a slow input.
        const pull = Promise.resolve(it.next());
        pull.catch(() => undefined); // read after a halt: nobody waits for it any more
        const next = await Promise.race([pull, new Promise<Pull>((r) => (wakeReader = r))]);
        wakeReader = undefined;
        if (next === 'stopped' || Atomics.load(state, 0) !== RUN) return;
        if (next.done) break;
        const args = argsOf(next.value, job);
        if (compiled.positions > args.length)
          throw new InvalidArgumentError(
            `Expected every input to have at least ${compiled.positions} arguments for ${template}, got ${args.length} in job ${job}`,
          );
        progress.read++;
        const key = encodeInput(args);
        const left = skip.get(key);
        if (left) {
          skip.set(key, left - 1);
          progress.skipped++;
          continue;
        }
        yield { job, seq: seq++, args, input: args.join(' ') };
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
  const notStarted: NotStarted[] = [];
  const report = reporter(o.keepOrder, o.onJob);
  let failure = true;
  try {
    for await (const out of outcomes) {
      if (!out.started) {
        notStarted.push({ job: out.job, input: out.input, args: out.args });
        report(out.seq, undefined);
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
      report(out.seq, [r, { ...progress }]);
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
  notStarted.sort((a, b) => a.job - b.job);
  return {
    jobs,
    succeeded: progress.succeeded,
    failed: progress.failed,
    skipped: progress.skipped,
    notRun: notStarted.length,
    notStarted,
    halted,
    exitCode: exitStatus(progress.failed),
  };
}

function argsOf(value: unknown, job: number): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((a) => typeof a === 'string')) return [...(value as string[])];
  throw new InvalidArgumentError(
    `Expected every input to be a string or a non-empty array of strings, got ${Array.isArray(value) ? JSON.stringify(value) : String(value)} (${typeof value}) as input ${job}`,
  );
}

/**
 * Hands each job's result to `onJob`: as jobs finish, or with `keepOrder` in the order
 * they were handed out (a job that never started holds nobody up).
 */
function reporter(keepOrder: boolean, onJob: FarmOptions['onJob']): (seq: number, done: [JobResult, FarmProgress] | undefined) => void {
  if (!onJob) return () => {};
  if (!keepOrder) return (_, done) => done && onJob(...done);
  const waiting = new Map<number, [JobResult, FarmProgress] | undefined>();
  let next = 0;
  return (seq, done) => {
    waiting.set(seq, done);
    while (waiting.has(next)) {
      const ready = waiting.get(next);
      waiting.delete(next++);
      if (ready) onJob(...ready);
    }
  };
}
