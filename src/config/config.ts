// The configuration: the RANKS_* variables (variables.ts) and the MPI launcher's
// (launcher.ts), read from the environment once, on first use, and typed. Code asks
// config(); tests change it with withConfig() instead of touching process.env.
import { readLauncher, type Launcher } from './launcher.ts';
import { VARIABLES, type Settings, type Variable } from './variables.ts';

/** Everything ranks reads from the environment. */
export interface Config extends Settings {
  /** What the MPI launcher that started this process says (all undefined without one). */
  readonly launcher: Launcher;
}

type Env = Readonly<Record<string, string | undefined>>;

function read<T>(v: Variable<T>, env: Env): T {
  const text = env[v.name];
  return text === undefined || text === '' ? v.fallback : v.parse(text, v.name);
}

/**
 * The configuration that `env` gives. Throws InvalidArgumentError (ERR_INVALID_ARG) or
 * ArgumentRangeError (ERR_OUT_OF_RANGE) naming the first RANKS_* variable that cannot be
 * read; the launcher's own variables never throw.
 *
 * @example
 * configFrom({ RANKS_SPIN_US: '20' }).spinMicros; // 20
 */
export function configFrom(env: Env): Config {
  const settings = {} as Record<keyof Settings, unknown>;
  for (const [key, v] of Object.entries(VARIABLES) as [keyof Settings, Variable<unknown>][]) settings[key] = read(v, env);
  return { ...(settings as unknown as Settings), launcher: readLauncher(env) };
}

let fromEnv: Config | undefined;
let overrides: Partial<Config> = {};
let current: Config | undefined;

/**
 * This process's configuration: process.env read once, on the first call (in each thread:
 * a worker reads its own copy of the environment), plus the overrides of the withConfig()
 * calls running now.
 *
 * @example
 * if (config().checkCollectives) agree();
 */
export function config(): Config {
  return (current ??= { ...(fromEnv ??= configFrom(process.env)), ...overrides });
}

/**
 * Reads process.env again on the next config(). For a process that changes its own
 * environment on purpose (`ranks run` under mpiexec sets RANKS_TRANSPORT=mpi for its script).
 */
export function reloadConfig(): void {
  fromEnv = undefined;
  current = undefined;
}

/**
 * Runs `fn` with `changes` over the configuration (in this thread only; ranks started
 * meanwhile read their own environment), then restores it, when `fn` returns or, for a
 * promise, settles. For tests, one at a time: calls that overlap restore out of order.
 *
 * @example
 * await withConfig({ shmMinBytes: 0 }, () => comm.allreduce(big, SUM)); // the shared-memory path
 */
export function withConfig<T>(changes: Partial<Config>, fn: () => T): T {
  const saved = overrides;
  overrides = { ...overrides, ...changes };
  current = undefined;
  const restore = (): void => {
    overrides = saved;
    current = undefined;
  };
  let result: T;
  try {
    result = fn();
  } catch (err) {
    restore();
    throw err;
  }
  if (result instanceof Promise) return result.finally(restore) as T;
  restore();
  return result;
}
