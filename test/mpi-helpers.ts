// Running fixtures as MPI jobs: which MPI launchers this machine has, and mpiexec runs
// of `node` ranks that reach the MPI transport.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { test } from 'node:test';
import { fixture, type Output } from './helpers.ts';
import { FAMILIES, familyFixture } from './fixtures/collectives/families.ts';

/** The point-to-point conformance fixtures (test/fixtures), as suite.ts runs them. */
export const P2P_FIXTURES = [
  'typed-kinds.ts',
  'objects-ring.ts',
  'codec-shapes.ts',
  'fan-in.ts',
  'order.ts',
  'errors.ts',
  'probe-requests.ts',
  'timeouts.ts',
  'large.ts',
  'refused.ts',
  'sendrecv-replace.ts',
  'ssend.ts',
  'persistent.ts',
  'mprobe.ts',
  'request-some.ts',
];
/** The point-to-point and collectives conformance fixtures: what the MPI and Slurm suites run. */
export const CONFORMANCE = [...P2P_FIXTURES, ...FAMILIES.map(([name]) => familyFixture(name))];
/** The line each collectives family prints on each rank when it passed. */
export const familyLine = (name: string): RegExp => new RegExp(`^collectives ${name} ok on \\d+ ranks$`, 'gm');

export interface MpiFlavor {
  name: 'MPICH' | 'Open MPI';
  mpiexec: string;
  /** Launcher arguments for `n` ranks. */
  ranks(n: number): string[];
  /**
   * Launcher arguments and environment that switch MPI's shared-memory path off, and the
   * job sizes that path is tested at (MPICH 4.0.2 over UCX's tcp transport can hang in
   * MPI_Finalize from 3 ranks up on one machine, C programs too; see the README).
   */
  network: { args: string[]; env: NodeJS.ProcessEnv; sizes: number[] };
}

/** Open MPI refuses to run as root unless told twice (CI containers run as root). */
export const MPI_ENV: NodeJS.ProcessEnv = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || undefined : undefined;
}

function launcher(suffix: string, family: RegExp): string | undefined {
  const suffixed = which(`mpiexec.${suffix}`);
  if (suffixed) return suffixed;
  const generic = which('mpiexec');
  if (!generic) return undefined;
  const v = spawnSync(generic, ['--version'], { encoding: 'utf8', env: MPI_ENV });
  return family.test(`${v.stdout}${v.stderr}`) ? generic : undefined;
}

/** Each flavor with its launcher, or the reason it cannot run here. */
export function mpiFlavors(): ({ flavor: MpiFlavor; skip?: undefined } | { flavor: { name: string }; skip: string })[] {
  const out: ({ flavor: MpiFlavor; skip?: undefined } | { flavor: { name: string }; skip: string })[] = [];
  const mpich = launcher('mpich', /hydra|mpich/i);
  out.push(
    mpich
      ? {
          flavor: {
            name: 'MPICH',
            mpiexec: mpich,
            ranks: (n) => ['-n', String(n)],
            network: { args: [], env: { MPIR_CVAR_NOLOCAL: '1', MPIR_CVAR_CH3_NOLOCAL: '1', UCX_TLS: 'tcp,self' }, sizes: [2] },
          },
        }
      : { flavor: { name: 'MPICH' }, skip: 'mpiexec.mpich not found (scripts/install-mpi.sh installs it)' },
  );
  const ompi = launcher('openmpi', /open ?mpi|orte/i);
  out.push(
    ompi
      ? {
          flavor: {
            name: 'Open MPI',
            mpiexec: ompi,
            ranks: (n) => ['--oversubscribe', '-n', String(n)],
            network: { args: ['--mca', 'btl', 'self,tcp'], env: { OMPI_MCA_pml: 'ob1' }, sizes: [2, 4] },
          },
        }
      : { flavor: { name: 'Open MPI' }, skip: 'mpiexec.openmpi not found (scripts/install-mpi.sh installs it)' },
  );
  return out;
}

/** Runs `mpiexec <ranks> [extra] node --import tsx <fixture> ...args`; resolves with its output. */
export function mpiRun(
  f: MpiFlavor,
  n: number,
  script: string | URL,
  args: string[] = [],
  options: MpiexecOptions & { extra?: string[] } = {},
): Promise<Output & { finalizeHang?: boolean }> {
  const path = script instanceof URL ? script.pathname : fixture(script).pathname;
  return mpiexec(f, [...f.ranks(n), ...(options.extra ?? []), process.execPath, '--import', 'tsx', path, ...args], options);
}

export interface MpiexecOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /**
   * Once stdout has `count` lines matching `line` (every rank said it finished), the job
   * gets `graceMs` to exit; after that it is stopped and reported with `finalizeHang`.
   */
  done?: { line: RegExp; count: number; graceMs: number };
}

/** Runs the flavor's mpiexec with `argv`; resolves with its output. */
export function mpiexec(f: MpiFlavor, argv: string[], options: MpiexecOptions = {}): Promise<Output & { finalizeHang?: boolean }> {
  return runLauncher(f.mpiexec, argv, { env: { ...MPI_ENV, ...options.env }, timeoutMs: options.timeoutMs ?? 240_000, done: options.done }, (child) =>
    child.kill('SIGTERM'),
  );
}

/**
 * Runs a launcher (mpiexec, srun) and resolves with its output. With `done`, once stdout
 * has `done.count` lines matching `done.line` (every rank said it finished), the job gets
 * `done.graceMs` to end; then `stop` ends it and the output says `finalizeHang`.
 */
export function runLauncher(
  command: string,
  argv: string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs: number; done: MpiexecOptions['done'] },
  stop: (child: ChildProcess) => void,
): Promise<Output & { finalizeHang?: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs });
    let stdout = '';
    let stderr = '';
    let grace: NodeJS.Timeout | undefined;
    let hung = false;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const done = options.done;
      if (done && !grace && (stdout.match(new RegExp(done.line.source, 'gm'))?.length ?? 0) >= done.count) {
        grace = setTimeout(() => {
          hung = true;
          stop(child);
        }, done.graceMs);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (grace) clearTimeout(grace);
      resolve(hung ? { code: 0, stdout, stderr, finalizeHang: true } : { code, stdout, stderr });
    });
  });
}

/**
 * Declares an MPI suite's first test, "ranks join the job" (which skips, printing why, when
 * the flavor is missing or ranks cannot join its jobs), and returns what the suite's later
 * tests ask: the reason to skip, or undefined.
 */
export function joinTest(flavor: MpiFlavor | { name: string }, skip: string | undefined, title = 'ranks join the job'): () => string | undefined {
  let why = skip;
  test(title, async (t) => {
    if (!why) why = await cannotJoin(flavor as MpiFlavor);
    if (why) {
      console.log(`# skipped: ${why}`);
      t.skip(why);
    }
  });
  return () => why;
}

/** Why ranks cannot join an MPI job of this flavor here (koffi or the library missing), or undefined. */
export async function cannotJoin(f: MpiFlavor): Promise<string | undefined> {
  const probe = await mpiRun(f, 1, 'mpi-probe.ts', [], { timeoutMs: 60_000 });
  if (probe.code === 0 && probe.stdout.includes('mpi ok')) return undefined;
  return `ranks cannot join a ${f.name} job here: ${(probe.stderr || probe.stdout).trim().split('\n').slice(-3).join(' / ')}`;
}
