// `ranks run` arguments: options, then the script; everything after the script is its own.
import { profileMode } from '../config/variables.ts';
import { parseCommand, positiveInteger, positiveNumber, UsageError } from './usage.ts';

export interface RunArgs {
  help: boolean;
  size: number | undefined;
  tagOutput: boolean;
  timeout: number | undefined;
  transport: 'threads' | 'processes' | 'mpi' | undefined;
  /** `--trace FILE`: the trace file. */
  trace: string | undefined;
  /** `--profile[=text|json|FILE.json]`. */
  profile: string | undefined;
  script: string;
  args: string[];
}

/** The options of `ranks run`, for util.parseArgs. */
export const RUN_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  np: { type: 'string', short: 'n' },
  'tag-output': { type: 'boolean' },
  timeout: { type: 'string' },
  transport: { type: 'string' },
  trace: { type: 'string' },
  profile: { type: 'string' },
} as const;

const TRANSPORTS = ['threads', 'processes', 'mpi'] as const;

/** The words of run's options that take the next word as their value (`-n`, `--timeout`, ...). */
const VALUED = new Set(
  Object.entries(RUN_OPTIONS).flatMap(([name, o]) => (o.type === 'string' ? [`--${name}`, ...('short' in o ? [`-${o.short}`] : [])] : [])),
);

/**
 * mpiexec's spelling `-np 4` as `--np 4` (util.parseArgs would read `-n p`), wherever it
 * stands among the options: the walk skips each option's value word, and stops at the
 * script or `--`, so the script's own `-np` is left alone.
 */
function mpiexecSpelling(argv: string[]): string[] {
  const words = [...argv];
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === '--' || !word.startsWith('-')) break;
    if (word === '-np') words[i] = '--np';
    // `--profile` alone is `--profile=text` (its value is optional).
    if (word === '--profile') words[i] = '--profile=text';
    else if (word === '-np' || VALUED.has(word)) i++;
  }
  return words;
}

function profileOption(text: string): string {
  try {
    return profileMode(text, '--profile');
  } catch (err) {
    throw new UsageError('run', (err as Error).message);
  }
}

/**
 * Reads `ranks run [options] SCRIPT [ARGS...]`. Options stop at the script (or `--`):
 * `ranks run app.ts --help` passes `--help` to app.ts. Throws UsageError.
 */
export function parseRun(argv: string[]): RunArgs {
  const { values: v, rest } = parseCommand('run', mpiexecSpelling(argv), RUN_OPTIONS);
  const transport = v.transport;
  if (transport !== undefined && !(TRANSPORTS as readonly string[]).includes(transport)) {
    throw new UsageError('run', `Expected --transport to be threads, processes or mpi, got ${JSON.stringify(transport)}`);
  }
  const common = {
    help: v.help === true,
    size: positiveInteger('run', '-n', v.np),
    tagOutput: v['tag-output'] === true,
    timeout: positiveNumber('run', '--timeout', v.timeout),
    transport: transport as RunArgs['transport'],
    trace: v.trace,
    profile: v.profile === undefined ? undefined : profileOption(v.profile),
  };
  if (common.trace === '') throw new UsageError('run', 'Expected --trace to name a file, got ""');
  if (common.help) return { ...common, script: '', args: [] };
  const [script, ...args] = rest;
  if (script === undefined) throw new UsageError('run', 'missing the script to run: ranks run -n 4 app.ts');
  return { ...common, script, args };
}
