// `ranks run`: starts the ranks of a job (or, under an MPI launcher, runs this one rank).
import { config } from '../config/config.ts';
import { isRanksError, RankFailedError } from '../errors.ts';
import { defaultSize, launch } from '../launch/launch.ts';
import { mpiJobSize, runAsMpiRank, runsAsMpiRank } from '../launch/mpi-rank.ts';
import { parseRun } from './args.ts';
import { RUN_HELP } from './help.ts';
import { checkMemory } from './memory.ts';
import { noteFailure } from '../trace/rank.ts';

/** A rank's exit status when it wrote to a pipe nobody reads any more (128 + SIGPIPE). */
const CLOSED_PIPE = 141;

// Exit statuses: the failing rank's code, 124 on timeout, 130 on Ctrl-C, 1 otherwise.
function exitStatus(err: unknown): number {
  if (err instanceof RankFailedError) return err.exitCode || 1;
  if (isRanksError(err) && err.code === 'ERR_TIMEOUT') return 124;
  if (isRanksError(err) && err.code === 'ERR_ABORTED') return 130;
  return 1;
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Prints an error for people, with its code: `ranks: ERR_RANK_FAILED: Rank 1 failed: …`,
 * and the rank's own error code too when it had one (`ERR_RANK_FAILED (ERR_TRUNCATE)`).
 */
export function report(err: unknown): void {
  if (err instanceof RankFailedError) {
    const cause = err.cause as Error | undefined;
    const inner = codeOf(cause);
    process.stderr.write(`ranks: ${err.code}${inner ? ` (${inner})` : ''}: ${err.message}\n`);
    if (cause?.stack) process.stderr.write(`${cause.stack}\n`);
  } else if (isRanksError(err)) {
    process.stderr.write(`ranks: ${err.code}: ${err.message}\n`);
  } else {
    process.stderr.write(`ranks: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
}

/** This MPI rank's error as the launcher would report it, with ERR_RANK_FAILED. */
function asRankFailure(err: unknown): RankFailedError {
  const n = config().launcher.rank;
  const who = n === undefined ? 'This rank' : `Rank ${n}`;
  const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return new RankFailedError(n ?? -1, 1, `${who} failed: ${what}`, { cause: err });
}

/** Runs `ranks run ARGS`; resolves with the exit status. Throws UsageError. */
export async function runCommand(argv: string[]): Promise<number> {
  const a = parseRun(argv);
  if (a.help) {
    process.stdout.write(RUN_HELP);
    return 0;
  }
  if (runsAsMpiRank(a.transport)) {
    // Every rank records; the last to end writes the trace and profile (see trace/rank.ts).
    if (a.trace !== undefined) process.env.RANKS_TRACE = a.trace;
    if (a.profile !== undefined) process.env.RANKS_PROFILE = a.profile;
    const n = mpiJobSize();
    if (a.size !== undefined && n !== undefined && a.size !== n) process.stderr.write(`ranks: -n ${a.size} ignored: the MPI launcher started ${n} ranks\n`);
    try {
      await runAsMpiRank(a.script, a.args);
    } catch (err) {
      // As a plain `node` rank would: report and exit now, so the launcher ends the job.
      noteFailure(err);
      report(err instanceof RankFailedError ? err : asRankFailure(err));
      process.exit(1);
    }
    return 0;
  }
  const transport = a.transport === 'processes' ? 'processes' : 'threads';
  const size = a.size ?? defaultSize();
  try {
    checkMemory(size, transport);
  } catch (err) {
    report(err);
    return 1;
  }
  const ac = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('ranks: interrupted, stopping every rank\n');
    ac.abort(new Error('SIGINT'));
  });
  process.on('SIGTERM', () => ac.abort(new Error('SIGTERM')));
  // `ranks run … | head`: the ranks' output goes through this process (threads): once
  // nobody reads it, stop every rank and end quietly, as a shell pipeline would.
  let closedPipe = false;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closedPipe = true;
    ac.abort(err);
  });
  try {
    await launch({
      size,
      script: a.script,
      args: a.args,
      transport,
      tagOutput: a.tagOutput,
      trace: a.trace ?? config().trace,
      profile: a.profile ?? config().profile,
      timeout: a.timeout === undefined ? undefined : a.timeout * 1000,
      signal: ac.signal,
    });
    return 0;
  } catch (err) {
    // A rank process writes to the pipe itself, and ends with 141 when it closes.
    if (closedPipe || (err instanceof RankFailedError && err.exitCode === CLOSED_PIPE && err.cause === undefined)) return CLOSED_PIPE;
    report(err);
    return exitStatus(err);
  }
}
