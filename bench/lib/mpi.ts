// Finding, building and running the MPI peers: C programs under MPICH and Open MPI, and
// mpi4py on Debian's python3. What is missing is reported as 'not run', never guessed.
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capture, runJson, which } from './proc.ts';
import type { ImplResult } from './types.ts';

/** The MPI implementations the harness knows. */
export type Flavor = 'MPICH' | 'Open MPI';

const SUFFIX: Record<Flavor, string> = { MPICH: 'mpich', 'Open MPI': 'openmpi' };

/** Open MPI refuses to run as root unless told twice. */
export const MPI_ENV: NodeJS.ProcessEnv = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };

/** Debian's python3, which is where python3-mpi4py installs. */
const PYTHON = '/usr/bin/python3';

/** The compiler wrapper and launcher of one MPI flavor, where installed. */
interface Tool {
  mpicc?: string;
  mpiexec?: string;
}

function flavorOf(text: string): Flavor | undefined {
  if (/open ?mpi|openrte|orterun/i.test(text)) return 'Open MPI';
  if (/mpich|hydra/i.test(text)) return 'MPICH';
  return undefined;
}

/** mpicc and mpiexec of one flavor: the Debian suffixed names first, else the generic ones when they are that flavor. */
function toolsOf(flavor: Flavor): Tool {
  const pick = (base: string, probe: string[]): string | undefined => {
    const suffixed = which(`${base}.${SUFFIX[flavor]}`);
    if (suffixed) return suffixed;
    const generic = which(base);
    return generic && flavorOf(`${realpathSync(generic)} ${capture(generic, probe).output}`) === flavor ? generic : undefined;
  };
  return { mpicc: pick('mpicc', ['-show']), mpiexec: pick('mpiexec', ['--version']) };
}

/** Timeout and working directory of the MPI runs. */
export interface MpiOptions {
  benchDir: string;
  timeoutMs: number;
  /** Positional plan arguments (see plan.ts). */
  planArgs: string[];
  log: (line: string) => void;
}

/** An MPI program that built, and the mpiexec that runs it. */
export type Built = { ok: true; exe: string; mpiexec: string } | { ok: false; reason: string };

let buildDir: string | undefined;

/**
 * Builds `lib/<source>` with `flavor`'s mpicc into a temporary directory as `<exeName>`;
 * undefined when no tool of that flavor is installed at all and `optional` is set.
 */
export function buildC(flavor: Flavor, benchDir: string, source: string, exeName: string, optional = false): Built | undefined {
  const tool = toolsOf(flavor);
  if (optional && !tool.mpicc && !tool.mpiexec) return undefined;
  if (!tool.mpicc) return { ok: false, reason: which('mpicc') ? `no ${flavor} mpicc (mpicc is another MPI)` : 'mpicc not found' };
  if (!tool.mpiexec) return { ok: false, reason: `no ${flavor} mpiexec found` };
  buildDir ??= mkdtempSync(join(tmpdir(), 'ranks-bench-'));
  const exe = join(buildDir, `${exeName}-${SUFFIX[flavor]}`);
  const cc = capture(tool.mpicc, ['-O2', '-o', exe, join(benchDir, 'lib', source)]);
  if (!cc.ok) return { ok: false, reason: `${tool.mpicc} cannot build ${source}: ${firstError(cc.output)}` };
  return { ok: true, exe, mpiexec: tool.mpiexec };
}

/**
 * The C ping-pong under MPICH (always reported, 'not run' when missing) and under Open MPI
 * (only when some Open MPI tool is installed).
 */
export async function runC(options: MpiOptions): Promise<ImplResult[]> {
  const out: ImplResult[] = [];
  for (const flavor of ['MPICH', 'Open MPI'] as const) {
    const name = `C ${flavor}`;
    const built = buildC(flavor, options.benchDir, 'pingpong.c', 'pingpong', flavor === 'Open MPI');
    if (!built) continue;
    if (!built.ok) {
      out.push(notRun(name, built.reason));
      continue;
    }
    options.log(`p2p: ${name} (${built.mpiexec} -n 2)`);
    out.push(
      await runJson(name, built.mpiexec, ['-n', '2', built.exe, ...options.planArgs], { cwd: options.benchDir, env: MPI_ENV, timeoutMs: options.timeoutMs }),
    );
  }
  return out;
}

/** Debian's python3 with mpi4py and numpy, and the mpiexec of the MPI mpi4py was built on; or why not. */
export function mpi4pyLauncher(): { ok: true; python: string; mpiexec: string; flavor: Flavor } | { ok: false; reason: string } {
  if (!existsSync(PYTHON)) return { ok: false, reason: `${PYTHON} not found` };
  if (!capture(PYTHON, ['-c', 'import mpi4py']).ok) return { ok: false, reason: `mpi4py not importable by ${PYTHON}` };
  if (!capture(PYTHON, ['-c', 'import numpy']).ok) return { ok: false, reason: `numpy not importable by ${PYTHON}` };
  const probe = 'import mpi4py; mpi4py.rc.initialize = False\nfrom mpi4py import MPI; print(MPI.Get_library_version())';
  const lib = capture(PYTHON, ['-c', probe], MPI_ENV);
  const flavor = flavorOf(lib.output);
  if (!flavor) return { ok: false, reason: `cannot tell which MPI mpi4py uses: ${firstError(lib.output)}` };
  const mpiexec = toolsOf(flavor).mpiexec;
  if (!mpiexec) return { ok: false, reason: `mpi4py uses ${flavor}, whose mpiexec was not found` };
  return { ok: true, python: PYTHON, mpiexec, flavor };
}

/** mpi4py's buffer path (Send/Recv of numpy arrays) under the mpiexec of the MPI it was built on. */
export async function runMpi4py(options: MpiOptions): Promise<ImplResult> {
  const name = 'mpi4py';
  const py = mpi4pyLauncher();
  if (!py.ok) return notRun(name, py.reason);
  options.log(`p2p: mpi4py (${py.mpiexec} -n 2 ${py.python})`);
  const args = ['-n', '2', py.python, join(options.benchDir, 'lib', 'pingpong.py'), ...options.planArgs];
  return runJson(name, py.mpiexec, args, { cwd: options.benchDir, env: MPI_ENV, timeoutMs: options.timeoutMs });
}

/** The ranks side over the MPI transport: `mpiexec -n 2 node --import tsx lib/p2p-ranks.ts` under each MPI found. */
export async function runRanksMpi(options: MpiOptions): Promise<ImplResult[]> {
  const out: ImplResult[] = [];
  for (const flavor of ['MPICH', 'Open MPI'] as const) {
    const name = `ranks ${flavor}`;
    const { mpiexec } = toolsOf(flavor);
    if (!mpiexec) {
      if (flavor === 'MPICH') out.push(notRun(name, 'no MPICH mpiexec found'));
      continue;
    }
    options.log(`p2p: ${name} (${mpiexec} -n 2 node lib/p2p-ranks.ts)`);
    const args = ['-n', '2', process.execPath, '--import', 'tsx', join(options.benchDir, 'lib', 'p2p-ranks.ts'), ...options.planArgs];
    out.push(await runJson(name, mpiexec, args, { cwd: options.benchDir, env: MPI_ENV, timeoutMs: options.timeoutMs }));
  }
  return out;
}

/** The mpiexec of `flavor`, if installed. */
export function mpiexecOf(flavor: Flavor): string | undefined {
  return toolsOf(flavor).mpiexec;
}

/**
 * `mpiexec` arguments for `n` ranks of `flavor`: Open MPI refuses more ranks than cores
 * unless told it may oversubscribe (it then also yields while it waits); MPICH's hydra just runs them.
 */
export function rankArgs(flavor: Flavor, n: number): string[] {
  return flavor === 'Open MPI' ? ['--oversubscribe', '-n', String(n)] : ['-n', String(n)];
}

function notRun(name: string, reason: string): ImplResult {
  return { name, status: 'not run', reason, seconds: 0 };
}

function firstError(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /[a-z]/i.test(l));
  return (lines.find((l) => /error/i.test(l)) ?? lines[0] ?? 'no output').slice(0, 200);
}
