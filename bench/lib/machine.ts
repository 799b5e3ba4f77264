// What the benchmarks ran on, for the README and results/latest.json.
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';

/** The machine and software a run measured. */
export interface Machine {
  date: string;
  node: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  os: string;
  /** 1, 5 and 15 minute load averages when the run started: other work skews the numbers. */
  loadAtStart: number[];
  /** The ranks commit measured, and whether src/ had uncommitted changes. */
  ranks: string;
}

/** Describes this machine; `root` is the ranks repository. */
export function machine(root: string): Machine {
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: `${type()} ${release()} ${process.arch}`,
    loadAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    ranks: revision(root),
  };
}

function revision(root: string): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--', 'src') ? `${head} + uncommitted changes in src/` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** One line: `Intel Xeon …, 2 cores, 7.8 GiB, Linux 6.1 x64`. */
export function describeMachine(m: Machine): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}`;
}
