// A throwaway Slurm cluster for test/slurm.test.ts (scripts/slurm-cluster.sh: munged,
// slurmctld and two slurmd nodes, each in its own network namespace), and job steps and
// batch jobs run on it with srun and sbatch.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { spawnOutput, type Output } from './helpers.ts';
import { runLauncher } from './mpi-helpers.ts';

const SCRIPT = new URL('../scripts/slurm-cluster.sh', import.meta.url).pathname;

/** A started cluster: its slurm.conf and folder. */
export interface Cluster {
  conf: string;
  dir: string;
  /** The environment for srun, sbatch, scontrol and scancel on this cluster. */
  env: NodeJS.ProcessEnv;
}

/** Starts a cluster of `nodes` nodes; resolves with it, or with the reason it cannot start. */
export async function startCluster(nodes = 2): Promise<Cluster | { why: string }> {
  let out: Output;
  try {
    out = await spawnOutput('bash', [SCRIPT, 'start', String(nodes)], { timeoutMs: 300_000 });
  } catch (err) {
    return { why: `cannot run ${SCRIPT}: ${(err as Error).message}` };
  }
  const conf = /^SLURM_CONF=(.+)$/m.exec(out.stdout)?.[1];
  if (out.code !== 0 || !conf) {
    const lines = out.stderr.trim().split('\n');
    const reason = lines.find((l) => l.startsWith('slurm-cluster: ')) ?? lines.slice(-3).join(' / ');
    return { why: `${reason || `scripts/slurm-cluster.sh start exited ${out.code}`}` };
  }
  // A clean environment: nothing of an enclosing Slurm job leaks into these.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLURM_') && !k.startsWith('PMI')));
  return { conf, dir: dirname(conf), env: { ...env, SLURM_CONF: conf, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' } };
}

/** Stops the cluster: every daemon and job step, the namespaces, the folder. */
export async function stopCluster(c: Cluster): Promise<void> {
  const out = await spawnOutput('bash', [SCRIPT, 'stop', c.dir], { timeoutMs: 300_000 });
  if (out.code !== 0 || existsSync(c.dir)) throw new Error(`scripts/slurm-cluster.sh stop exited ${out.code}: ${out.stderr}`);
}

/** How {@link srun} runs a step. */
export interface StepOptions {
  /** Added to the cluster's environment. */
  env?: NodeJS.ProcessEnv;
  /** Hang guard (default 300 s). */
  timeoutMs?: number;
  /**
   * Once stdout has `count` lines matching `line` (every rank said it finished), the step
   * gets `graceMs` to end; after that it is cancelled and reported with `finalizeHang`.
   */
  done?: { line: RegExp; count: number; graceMs: number };
}

/** Runs `srun <args>` on the cluster (under a job name of its own); resolves with its output. */
export function srun(c: Cluster, args: string[], options: StepOptions = {}): Promise<Output & { finalizeHang?: boolean }> {
  const name = `ranks-${randomBytes(4).toString('hex')}`;
  const env = { ...c.env, ...options.env };
  return runLauncher('srun', [`--job-name=${name}`, ...args], { env, timeoutMs: options.timeoutMs ?? 300_000, done: options.done }, () => {
    spawn('scancel', [`--name=${name}`], { env, stdio: 'ignore' });
  });
}

/** Runs a Slurm client command (sbatch, scontrol, scancel, squeue) on the cluster. */
export function slurm(c: Cluster, command: string, args: string[], timeoutMs = 300_000): Promise<Output> {
  return spawnOutput(command, args, { env: c.env, timeoutMs });
}

/** `scontrol show job`'s fields of a job (JobState, ExitCode, ...), or undefined once Slurm forgot it. */
export async function jobFields(c: Cluster, id: string): Promise<Record<string, string> | undefined> {
  const out = await slurm(c, 'scontrol', ['-o', 'show', 'job', id]);
  if (out.code !== 0) return undefined;
  return Object.fromEntries(
    out.stdout
      .trim()
      .split(/\s+/)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
  );
}

/** Polls (every 200 ms, up to `timeoutMs`) until `check` returns a value; throws with `what` past the guard. */
export async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = 300_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits until the job has ended; resolves with its final fields. */
export function jobEnded(c: Cluster, id: string, timeoutMs = 300_000): Promise<Record<string, string>> {
  return until(
    `job ${id} to end`,
    async () => {
      const f = await jobFields(c, id);
      if (!f) throw new Error(`Slurm forgot job ${id}`);
      return /^(PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED)$/.test(f.JobState ?? '') ? undefined : f;
    },
    timeoutMs,
  );
}

/** The text of a file, or '' while it does not exist. */
export function readText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** True while a process of this pid exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
