// Finding, building and running the MPI peers: C ping-pong under MPICH and Open MPI, and
// mpi4py on Debian's python3. What is missing is reported as 'not run', never guessed.
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { capture, runJson, which } from './proc.ts';
import type { ImplResult } from './types.ts';

type Flavor = 'MPICH' | 'Open MPI';

const SUFFIX: Record<Flavor, string> = { MPICH: 'mpich', 'Open MPI': 'openmpi' };

/** Open MPI refuses to run as root unless told twice. */
const MPI_ENV: NodeJS.ProcessEnv = { ...process.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' };

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

/**
 * The C ping-pong under MPICH (always reported, 'not run' when missing) and under Open MPI
 * (only when some Open MPI tool is installed).
 */
export async function runC(options: MpiOptions): Promise<ImplResult[]> {
  const out: ImplResult[] = [];
  let dir: string | undefined;
  for (const flavor of ['MPICH', 'Open MPI'] as const) {
    const name = `C ${flavor}`;
    const tool = toolsOf(flavor);
    if (flavor === 'Open MPI' && !tool.mpicc && !tool.mpiexec) continue;
    if (!tool.mpicc) {
      out.push(notRun(name, which('mpicc') ? `no ${flavor} mpicc (mpicc is another MPI)` : 'mpicc not found'));
      continue;
    }
    if (!tool.mpiexec) {
      out.push(notRun(name, `no ${flavor} mpiexec found`));
      continue;
    }
    dir ??= mkdtempSync(join(tmpdir(), 'ranks-bench-'));
    const exe = join(dir, `pingpong-${SUFFIX[flavor]}`);
    const cc = capture(tool.mpicc, ['-O2', '-o', exe, join(options.benchDir, 'lib', 'pingpong.c')]);
    if (!cc.ok) {
      out.push(notRun(name, `${tool.mpicc} cannot build pingpong.c: ${firstError(cc.output)}`));
      continue;
    }
    options.log(`p2p: ${name} (${tool.mpiexec} -n 2)`);
    out.push(await runJson(name, tool.mpiexec, ['-n', '2', exe, ...options.planArgs], { cwd: options.benchDir, env: MPI_ENV, timeoutMs: options.timeoutMs }));
  }
  return out;
}

/** mpi4py's buffer path (Send/Recv of numpy arrays) under the mpiexec of the MPI it was built on. */
export async function runMpi4py(options: MpiOptions): Promise<ImplResult> {
  const name = 'mpi4py';
  if (!existsSync(PYTHON)) return notRun(name, `${PYTHON} not found`);
  if (!capture(PYTHON, ['-c', 'import mpi4py']).ok) return notRun(name, `mpi4py not importable by ${PYTHON}`);
  if (!capture(PYTHON, ['-c', 'import numpy']).ok) return notRun(name, `numpy not importable by ${PYTHON}`);
  const probe = 'import mpi4py; mpi4py.rc.initialize = False\nfrom mpi4py import MPI; print(MPI.Get_library_version())';
  const lib = capture(PYTHON, ['-c', probe], MPI_ENV);
  const flavor = flavorOf(lib.output);
  if (!flavor) return notRun(name, `cannot tell which MPI mpi4py uses: ${firstError(lib.output)}`);
  const mpiexec = toolsOf(flavor).mpiexec;
  if (!mpiexec) return notRun(name, `mpi4py uses ${flavor}, whose mpiexec was not found`);
  options.log(`p2p: mpi4py (${mpiexec} -n 2 ${PYTHON})`);
  const args = ['-n', '2', PYTHON, join(options.benchDir, 'lib', 'pingpong.py'), ...options.planArgs];
  return runJson(name, mpiexec, args, { cwd: options.benchDir, env: MPI_ENV, timeoutMs: options.timeoutMs });
}

function notRun(name: string, reason: string): ImplResult {
  return { name, status: 'not run', reason, seconds: 0 };
}

function firstError(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => /[a-z]/i.test(l));
  return (lines.find((l) => /error/i.test(l)) ?? lines[0] ?? 'no output').slice(0, 200);
}
