// `ranks farm`: GNU parallel's job farm in one command. Each job's output is printed
// whole when it finishes; a summary of the failures, with their stderr, ends the run.
import { availableParallelism } from 'node:os';
import { isRanksError } from '../errors.ts';
import { farm } from '../farm/farm.ts';
import type { FarmResult, JobResult } from '../farm/result.ts';
import { compileTemplate, renderTemplate } from '../farm/template.ts';
import { parseFarm, type FarmArgs } from './farm-args.ts';
import { FARM_HELP } from './farm-help.ts';
import { combinations, countJobs, jobArgs } from './farm-inputs.ts';
import { makeProgress } from './progress.ts';

const MAX_LISTED = 20;

function stderrTail(text: string): string[] {
  return text
    .trimEnd()
    .split('\n')
    .slice(-5)
    .map((l) => `    | ${l.length > 200 ? `${l.slice(0, 200)}…` : l}`);
}

function why(r: JobResult, timeout: number | undefined): string {
  if (r.timedOut) return `killed after --timeout ${timeout} s`;
  if (r.error !== undefined) return `could not start: ${r.error}`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exit ${r.exitCode}`;
}

/** `text` with every line prefixed by `tag` and a tab (--tag). */
export function tagLines(text: string, tag: string): string {
  if (text === '') return '';
  const lines = text.split('\n');
  const last = lines.pop()!;
  return lines.map((l) => `${tag}\t${l}\n`).join('') + (last === '' ? '' : `${tag}\t${last}`);
}

/** The inputs a halt left unstarted: those read but not started, then (when known) those never read. */
function neverStarted(a: FarmArgs, r: FarmResult, started: number): string[] {
  const total = countJobs(a.sources);
  const unread = total === undefined ? 0 : total - (started + r.skipped + r.notRun);
  const count = r.notRun + unread;
  if (count === 0 && total !== undefined) return [];
  const listed = r.notStarted.slice(0, MAX_LISTED).map((n) => `  job ${n.job} ${JSON.stringify(n.input)}`);
  for (let job = (total ?? 0) - unread + 1; listed.length < MAX_LISTED && job <= (total ?? 0); job++)
    listed.push(`  job ${job} ${JSON.stringify(jobArgs(a.sources, job).join(' '))}`);
  const more = count - listed.length;
  const head = `ranks farm: halted: ${count} input${count === 1 ? '' : 's'} never started${total === undefined ? ' (and those not yet read)' : ''}${count ? ':' : ''}`;
  return [
    head,
    ...listed,
    ...(more > 0 ? [`  … and ${more} more`] : []),
    ...(a.joblog ? [`  (run them, and the failed and killed ones, with the same command and --joblog ${a.joblog} --resume-failed)`] : []),
  ];
}

/** The failure summary and the totals, for stderr. */
function summary(
  failures: JobResult[],
  totals: { failed: number; succeeded: number; skipped: number; notRun: number; killed: number; halted: boolean },
  a: FarmArgs,
  seconds: number,
  unstarted: string[] = [],
): string {
  const lines: string[] = [];
  if (totals.failed > 0) {
    lines.push(`ranks farm: ${totals.failed} job${totals.failed === 1 ? '' : 's'} failed:`);
    for (const r of failures.slice(0, MAX_LISTED)) {
      lines.push(`  job ${r.job} ${JSON.stringify(r.input)}: ${why(r, a.timeout)}`);
      if (r.stderr.trim()) lines.push(...stderrTail(r.stderr));
    }
    if (failures.length > MAX_LISTED) lines.push(`  … and ${failures.length - MAX_LISTED} more${a.joblog ? ` (see ${a.joblog})` : ''}`);
  }
  lines.push(...unstarted);
  const extra = [
    totals.skipped ? `${totals.skipped} skipped (--resume)` : '',
    totals.killed ? `${totals.killed} killed (--halt now)` : '',
    totals.halted ? 'halted' : '',
  ].filter(Boolean);
  lines.push(`ranks farm: ${totals.succeeded} succeeded, ${totals.failed} failed${extra.length ? `, ${extra.join(', ')}` : ''} in ${seconds.toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}

async function dryRun(a: FarmArgs, inputs: AsyncIterable<string[]>): Promise<number> {
  const t = compileTemplate(a.template);
  const jobs = a.jobs ?? availableParallelism();
  let job = 0;
  for await (const args of inputs) {
    job++;
    process.stdout.write(`${renderTemplate(t, args, job, ((job - 1) % jobs) + 1)}\n`);
  }
  return 0;
}

/** Runs `ranks farm ARGS`; resolves with the exit status. Throws UsageError. */
export async function farmCommand(argv: string[]): Promise<number> {
  const a = parseFarm(argv);
  if (a.help) {
    process.stdout.write(FARM_HELP);
    return 0;
  }
  if (a.note && !a.quiet) process.stderr.write(`ranks farm: ${a.note}\n`);
  const fromStdin = a.sources.some((s) => s.kind === 'file' && s.path === '-');
  if (fromStdin && process.stdin.isTTY && !a.quiet) process.stderr.write('ranks farm: reading inputs from the terminal, one per line; Ctrl-D ends them\n');
  const inputs = combinations(a.sources, a.nul ? '\0' : '\n');
  try {
    if (a.dryRun) return await dryRun(a, inputs);
    return await runFarm(a, inputs);
  } finally {
    if (fromStdin) process.stdin.destroy();
  }
}

async function runFarm(a: FarmArgs, inputs: AsyncIterable<string[]>): Promise<number> {
  const progress = makeProgress({ stream: process.stderr, quiet: a.quiet, total: countJobs(a.sources) });
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
  const totals = { failed: 0, succeeded: 0, skipped: 0, notRun: 0, killed: 0, halted: false };
  const t0 = performance.now();
  let started = 0;
  try {
    const r = await farm(a.template, inputs, {
      jobs: a.jobs,
      timeout: a.timeout === undefined ? undefined : a.timeout * 1000,
      halt: a.halt,
      joblog: a.joblog,
      resume: a.resume,
      spawnFrom: a.spawnFrom,
      signal: ac.signal,
      tail: Infinity,
      collect: false,
      keepOrder: a.keepOrder,
      onJob(job, p) {
        started++;
        if (job.halted) totals.killed++;
        const tag = a.tag ? job.args.join('\t') : undefined;
        if (job.stdout) progress.write(process.stdout, tag === undefined ? job.stdout : tagLines(job.stdout, tag));
        if (job.stderr) progress.write(process.stderr, tag === undefined ? job.stderr : tagLines(job.stderr, tag));
        // Keep what the summary needs, not the whole output.
        if (!job.ok && !job.halted) failures.push({ ...job, stdout: '', stderr: job.stderr.slice(-4096) });
        Object.assign(totals, { failed: p.failed, succeeded: p.succeeded, skipped: p.skipped });
        progress.update(p);
      },
    });
    Object.assign(totals, { failed: r.failed, succeeded: r.succeeded, skipped: r.skipped, notRun: r.notRun, halted: r.halted });
    progress.stop();
    const unstarted = r.halted ? neverStarted(a, r, started) : [];
    if (!a.quiet || r.failed > 0 || r.halted) process.stderr.write(summary(failures, totals, a, (performance.now() - t0) / 1000, unstarted));
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
    process.stdout.off('error', onStdoutError);
  }
}
