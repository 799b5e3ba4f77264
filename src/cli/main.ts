import { readFileSync } from 'node:fs';
import { isRanksError, RankFailedError } from '../errors.ts';
import { defaultSize, launch } from '../launch/launch.ts';
import { mpiJobSize, runAsMpiRank, runsAsMpiRank } from '../launch/mpi-rank.ts';
import { parseRun } from './args.ts';
import { farmCommand } from './farm.ts';
import { info } from './info.ts';

const HELP = `ranks — parallel programming for TypeScript on Node.js

Usage:
  ranks run [-n N] [--tag-output] [--timeout SECONDS] [--transport threads|processes] SCRIPT [ARGS...]
  mpiexec -n N ranks run SCRIPT [ARGS...]        (each MPI process runs SCRIPT as its rank)
  ranks farm [-j N] [options] 'CMD {}' INPUTS...   (see ranks farm --help)
  ranks info
  ranks --version

run options:
  -n, --np N          number of ranks (default: the number of cores)
  --tag-output        prefix every output line with [rank]
  --timeout SECONDS   stop the job after SECONDS (exit 124)
  --transport NAME    threads (default: worker threads sharing memory) or
                      processes (child processes over Unix sockets: crash isolation);
                      mpi under mpiexec/srun (detected)
`;

// Exit statuses: the failing rank's code, 124 on timeout, 130 on Ctrl-C, 1 otherwise.
function exitStatus(err: unknown): number {
  if (err instanceof RankFailedError) return err.exitCode || 1;
  if (isRanksError(err) && err.code === 'ERR_TIMEOUT') return 124;
  if (isRanksError(err) && err.code === 'ERR_ABORTED') return 130;
  return 1;
}

function report(err: unknown): void {
  if (err instanceof RankFailedError) {
    process.stderr.write(`ranks: ${err.message}\n`);
    const cause = err.cause as Error | undefined;
    if (cause?.stack) process.stderr.write(`${cause.stack}\n`);
  } else if (isRanksError(err)) {
    process.stderr.write(`ranks: ${err.code}: ${err.message}\n`);
  } else {
    process.stderr.write(`ranks: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
}

async function run(argv: string[]): Promise<number> {
  const a = parseRun(argv);
  if (runsAsMpiRank(a.transport)) {
    const n = mpiJobSize();
    if (a.size !== undefined && n !== undefined && a.size !== n) process.stderr.write(`ranks: -n ${a.size} ignored: the MPI launcher started ${n} ranks\n`);
    try {
      await runAsMpiRank(a.script, a.args);
    } catch (err) {
      // As a plain `node` rank would: report and exit now, so the launcher ends the job.
      report(err);
      process.exit(1);
    }
    return 0;
  }
  const ac = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('ranks: interrupted, stopping every rank\n');
    ac.abort(new Error('SIGINT'));
  });
  process.on('SIGTERM', () => ac.abort(new Error('SIGTERM')));
  try {
    await launch({
      size: a.size ?? defaultSize(),
      script: a.script,
      args: a.args,
      transport: a.transport as 'threads' | 'processes' | undefined,
      tagOutput: a.tagOutput,
      timeout: a.timeout === undefined ? undefined : a.timeout * 1000,
      signal: ac.signal,
    });
    return 0;
  } catch (err) {
    report(err);
    return exitStatus(err);
  }
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run':
      return run(rest);
    case 'farm':
      return farmCommand(rest);
    case 'info':
      process.stdout.write(`${info()}\n`);
      return 0;
    case '--version':
    case '-v':
      process.stdout.write(`${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`);
      return 0;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(HELP);
      return cmd === undefined ? 1 : 0;
    default:
      process.stderr.write(`ranks: unknown command '${cmd}'\n\n${HELP}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    report(err);
    process.exitCode = 1;
  },
);
