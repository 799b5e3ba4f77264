// `ranks farm`: GNU parallel's job farm in one command. Each job's output is printed
// whole when it finishes; a summary of the failures, with their stderr, ends the run.
import { isRanksError } from '../errors.ts';
import { farm } from '../farm/farm.ts';
import { fileRecords } from '../farm/inputs.ts';
import type { JobResult } from '../farm/result.ts';
import { expand } from '../farm/template.ts';
import { parseFarm, type FarmArgs } from './farm-args.ts';
import { makeProgress } from './progress.ts';

export const FARM_HELP = `ranks farm — run a command over many inputs on every core (like GNU parallel)

Usage:
  ranks farm [options] TEMPLATE INPUT...           ranks farm -j 4 './mmul.x < {} > {}.out' in0 in1 in2 in3
  ranks farm [options] COMMAND... ::: INPUT...     ranks farm gzip -9 ::: *.log
  ranks farm [options] TEMPLATE < inputs           find . -name '*.c' | ranks farm 'cc -c {} -o {.}.o'

TEMPLATE is a /bin/sh command; placeholders are replaced by the input, single-quoted so it
is never shell code: {} input, {.} without extension, {/} basename, {//} dirname,
{/.} basename without extension, {#} job number. Without {} the input is appended.

Options:
  -j, --jobs N           jobs at once (default: the number of cores)
  -a, --arg-file FILE    inputs from FILE, one per line ('-': stdin)
  -0, --null             inputs from stdin or FILE are separated by NUL, not newline
  --timeout SECONDS      kill a job running longer (SIGTERM, SIGKILL 1 s later); it fails
  --halt WHEN,fail=N     stop after N failures: WHEN is now (kill running jobs) or soon
                         (let them finish); also success=N, done=N; never is the default
  --joblog FILE          log every job: Seq Host Starttime JobRuntime Send Receive Exitval
                         Signal Command Input (tab-separated, GNU parallel's columns + Input)
  --resume               skip the inputs that succeeded in --joblog FILE, and append to it
  --dry-run              print the commands, run nothing
  -q, --quiet            no progress bar or progress lines
  --spawn-from WHERE     main (default): jobs spawned from the main thread;
                         workers: from pool worker threads (slower for tiny jobs)

Exit status: 0 when every job succeeded, else the number of failed jobs (at most 101);
130 when interrupted, 141 when its output pipe closed, 255 on a usage error.
`;

const MAX_LISTED = 20;

function stderrTail(text: string): string[] {
  return text.trimEnd().split('\n').slice(-5).map((l) => `    | ${l.length > 200 ? `${l.slice(0, 200)}…` : l}`);
}

function why(r: JobResult, timeout: number | undefined): string {
  if (r.timedOut) return `killed after --timeout ${timeout} s`;
  if (r.error !== undefined) return `could not start: ${r.error}`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exit ${r.exitCode}`;
}

/** The failure summary and the totals, for stderr. */
function summary(failures: JobResult[], totals: { failed: number; succeeded: number; skipped: number; notRun: number; halted: boolean }, a: FarmArgs, seconds: number): string {
  const lines: string[] = [];
  if (totals.failed > 0) {
    lines.push(`ranks farm: ${totals.failed} job${totals.failed === 1 ? '' : 's'} failed:`);
    for (const r of failures.slice(0, MAX_LISTED)) {
      lines.push(`  job ${r.job} ${JSON.stringify(r.input)}: ${why(r, a.timeout)}`);
      if (r.stderr.trim()) lines.push(...stderrTail(r.stderr));
    }
    if (failures.length > MAX_LISTED) lines.push(`  … and ${failures.length - MAX_LISTED} more${a.joblog ? ` (see ${a.joblog})` : ''}`);
  }
  const extra = [totals.skipped ? `${totals.skipped} skipped (--resume)` : '', totals.notRun ? `${totals.notRun} not started (--halt)` : '', totals.halted ? 'halted' : ''].filter(Boolean);
  lines.push(`ranks farm: ${totals.succeeded} succeeded, ${totals.failed} failed${extra.length ? `, ${extra.join(', ')}` : ''} in ${seconds.toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}

async function dryRun(a: FarmArgs, inputs: Iterable<string> | AsyncIterable<string>): Promise<number> {
  let job = 0;
  for await (const input of inputs) process.stdout.write(`${expand(a.template, input, ++job)}\n`);
  return 0;
}

/** Runs `ranks farm ARGS`; resolves with the exit status. */
export async function farmCommand(argv: string[]): Promise<number> {
  let a: FarmArgs;
  try {
    a = parseFarm(argv);
  } catch (err) {
    process.stderr.write(`ranks farm: ${err instanceof Error ? err.message : String(err)}\n`);
    return 255;
  }
  if (a.help) {
    process.stdout.write(FARM_HELP);
    return 0;
  }
  const fromStdin = a.inputs === undefined && (a.argFile === undefined || a.argFile === '-');
  if (fromStdin && process.stdin.isTTY && !a.quiet) process.stderr.write('ranks farm: reading inputs from the terminal, one per line; Ctrl-D ends them\n');
  const inputs = a.inputs ?? fileRecords(a.argFile ?? '-', a.nul ? '\0' : '\n');
  try {
    if (a.dryRun) return await dryRun(a, inputs);
    return await runFarm(a, inputs);
  } finally {
    if (fromStdin) process.stdin.destroy();
  }
}

async function runFarm(a: FarmArgs, inputs: Iterable<string> | AsyncIterable<string>): Promise<number> {
  const progress = makeProgress({ stream: process.stderr, quiet: a.quiet, total: a.inputs?.length });
  const ac = new AbortController();
  let interrupts = 0;
  const onSignal = (): void => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('\nranks farm: interrupted, killing the running jobs\n');
    ac.abort(new Error('SIGINT'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // `ranks farm … | head`: once nobody reads the output, stop like a killed pipeline would.
  let closedPipe = false;
  const onStdoutError = (err: NodeJS.ErrnoException): void => {
    if (err.code !== 'EPIPE') throw err;
    closedPipe = true;
    ac.abort(err);
  };
  process.stdout.on('error', onStdoutError);
  const failures: JobResult[] = [];
  const totals = { failed: 0, succeeded: 0, skipped: 0, notRun: 0, halted: false };
  const t0 = performance.now();
  try {
    const r = await farm(a.template, inputs, {
      jobs: a.jobs, timeout: a.timeout === undefined ? undefined : a.timeout * 1000, halt: a.halt, joblog: a.joblog, resume: a.resume,
      spawnFrom: a.spawnFrom, signal: ac.signal, tail: Infinity, collect: false,
      onJob(job, p) {
        if (job.stdout) progress.write(process.stdout, job.stdout);
        if (job.stderr) progress.write(process.stderr, job.stderr);
        // Keep what the summary needs, not the whole output.
        if (!job.ok && !job.halted) failures.push({ ...job, stdout: '', stderr: job.stderr.slice(-4096) });
        Object.assign(totals, { failed: p.failed, succeeded: p.succeeded, skipped: p.skipped });
        progress.update(p);
      },
    });
    Object.assign(totals, { failed: r.failed, succeeded: r.succeeded, skipped: r.skipped, notRun: r.notRun, halted: r.halted });
    progress.stop();
    if (!a.quiet || r.failed > 0 || r.halted) process.stderr.write(summary(failures, totals, a, (performance.now() - t0) / 1000));
    return r.exitCode;
  } catch (err) {
    progress.stop();
    if (closedPipe) return 141;
    if (ac.signal.aborted) {
      process.stderr.write(summary(failures, totals, a, (performance.now() - t0) / 1000));
      return 130;
    }
    process.stderr.write(`ranks farm: ${isRanksError(err) ? `${err.code}: ` : ''}${err instanceof Error ? err.message : String(err)}\n`);
    return 255;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
