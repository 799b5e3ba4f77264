// The pool task of `farm`: runs in a pool worker, spawns one job's shell command and
// resolves when it has exited. Per-job timeouts and --halt now kill the job's process
// group (SIGTERM, then SIGKILL after a grace period), never the worker.
import { spawn, type ChildProcess } from 'node:child_process';
import { Tail } from './tail.ts';
import { compileTemplate, renderTemplate, type Template } from './template.ts';

/** What every job of one farm shares, sent once to each worker by the pool's initializer. */
export interface JobConfig {
  shell: string;
  cwd: string | undefined;
  env: Record<string, string | undefined> | undefined;
  /** Milliseconds a job may run, or undefined. */
  timeout: number | undefined;
  /** Milliseconds between SIGTERM and SIGKILL, or undefined: never SIGKILL. */
  killAfter: number | undefined;
  /** Bytes of stdout and stderr kept per job (Infinity: all). */
  tail: number;
  /** The command template, rendered for each job where it starts (its `{%}` is known there). */
  template: string;
}

/** One job as the worker receives it. */
export interface JobSpec {
  /** The job number `{#}`: the input's position among all inputs, 1-based. */
  job: number;
  /** The job's position among the jobs handed out, 0-based (keepOrder reports by it). */
  seq: number;
  /** One argument per input source. */
  args: string[];
  /** The arguments for people: joined by spaces. */
  input: string;
}

/** One job as the worker reports it. `started: false` when a halt came before it began. */
export interface JobOutcome extends JobSpec {
  started: boolean;
  /** The shell command it ran ('' if it never started). */
  command: string;
  /** The job slot `{%}` it ran in (1 to jobs), 0 if it never started. */
  slot: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Epoch milliseconds. */
  startTime: number;
  seconds: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  halted: boolean;
  /** Why the command could not be started, if it could not. */
  error: string | undefined;
}

/**
 * The farm's shared state: word 0 is RUN, DRAIN (start no job) or KILL (also stop the
 * running ones); words 1 to jobs are the job slots, 1 while a job holds one.
 */
export const RUN = 0;
export const DRAIN = 1;
export const KILL = 2;

interface Running {
  stop(why: 'timeout' | 'halt'): void;
}

/** Runs jobs with one farm's settings; `stopAll` kills the ones running. */
export interface Runner {
  run(spec: JobSpec): Promise<JobOutcome>;
  stopAll(): void;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    // The job leads its own process group: the shell and whatever it started.
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** Takes the lowest free job slot (1-based) in `state`; 0 if none is free. */
function claimSlot(state: Int32Array<ArrayBufferLike>): number {
  for (let i = 1; i < state.length; i++) if (Atomics.compareExchange(state, i, 0, 1) === 0) return i;
  return 0;
}

/** A runner for `config`; jobs start only while `state[0]` is RUN. */
export function makeRunner(config: JobConfig, state: Int32Array<ArrayBufferLike>): Runner {
  const running = new Set<Running>();
  const template = compileTemplate(config.template);
  return {
    run: async (spec) => {
      if (Atomics.load(state, 0) !== RUN) return outcomeOf(spec, false);
      const slot = claimSlot(state);
      try {
        return await start(config, template, spec, slot, running);
      } finally {
        if (slot > 0) Atomics.store(state, slot, 0);
      }
    },
    stopAll: () => {
      for (const r of running) r.stop('halt');
    },
  };
}

function outcomeOf(spec: JobSpec, started: boolean): JobOutcome {
  return {
    ...spec,
    started,
    command: '',
    slot: 0,
    exitCode: null,
    signal: null,
    startTime: Date.now(),
    seconds: 0,
    stdout: '',
    stderr: '',
    timedOut: false,
    halted: false,
    error: undefined,
  };
}

function start(c: JobConfig, template: Template, spec: JobSpec, slot: number, running: Set<Running>): Promise<JobOutcome> {
  const outcome = outcomeOf(spec, true);
  outcome.slot = slot;
  outcome.command = renderTemplate(template, spec.args, spec.job, slot);
  const t0 = performance.now();
  const out = new Tail(c.tail);
  const err = new Tail(c.tail);
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(c.shell, ['-c', outcome.command], { cwd: c.cwd, env: c.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (e) {
      outcome.error = e instanceof Error ? e.message : String(e);
      outcome.stderr = outcome.error;
      resolve(outcome);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    let killer: NodeJS.Timeout | undefined;
    let stopped = false;
    const job: Running = {
      stop(why) {
        if (stopped) return;
        stopped = true;
        if (why === 'timeout') outcome.timedOut = true;
        else outcome.halted = true;
        signalGroup(child, 'SIGTERM');
        if (c.killAfter !== undefined) killer = setTimeout(() => signalGroup(child, 'SIGKILL'), c.killAfter);
      },
    };
    running.add(job);
    if (c.timeout !== undefined) timer = setTimeout(() => job.stop('timeout'), c.timeout);
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: Error): void => {
      if (settled) return;
      settled = true;
      running.delete(job);
      clearTimeout(timer);
      clearTimeout(killer);
      outcome.seconds = (performance.now() - t0) / 1000;
      outcome.exitCode = code;
      outcome.signal = signal;
      outcome.stdout = out.text();
      outcome.stderr = err.text();
      if (error) {
        outcome.error = error.message;
        outcome.stderr += `${outcome.stderr && !outcome.stderr.endsWith('\n') ? '\n' : ''}${error.message}`;
      }
      resolve(outcome);
    };
    child.on('error', (e) => finish(null, null, e));
    child.on('close', (code, signal) => finish(code, signal));
  });
}

// In a pool worker: the farm's runner, made by the pool's initializer.
let runner: Runner | undefined;

/**
 * The pool's initializer: makes this worker's runner and watches the farm's shared state
 * word, so that KILL reaches the jobs running here.
 */
export function init(config: JobConfig, state: Int32Array<ArrayBufferLike>): void {
  const r = (runner = makeRunner(config, state));
  void (async () => {
    // Atomics.waitAsync does not keep the worker alive, so this ends with the worker.
    for (let s = Atomics.load(state, 0); s !== KILL; s = Atomics.load(state, 0)) {
      const w = Atomics.waitAsync(state, 0, s);
      if (w.async) await w.value;
    }
    r.stopAll();
  })();
}

/** The pool task: one job, run by this worker's runner. */
export function runJob(spec: JobSpec): Promise<JobOutcome> {
  return runner!.run(spec);
}
