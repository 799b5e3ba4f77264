// Every RANKS_* environment variable, listed once: its name, how its text is read, its
// default and what it does. config.ts reads them; scripts/docs-env.ts writes the README's
// table from this list (test/config.test.ts keeps the two equal).
import { ArgumentRangeError } from '../errors.ts';
import { checkInteger, checkNumber, checkOneOf, expected, numberFromText } from '../validate.ts';

/** RANKS_MPI_PEERS read: `all`, or inclusive ranges of world ranks (`1,4-7` → [[1, 1], [4, 7]]). */
export type PeerSpec = 'all' | readonly (readonly [number, number])[];

/** The settings the RANKS_* variables give, by the name code uses. */
export interface Settings {
  /** RANKS_TRANSPORT: force (`mpi`) or turn off (`threads`) MPI launcher detection. */
  transport: 'mpi' | 'threads' | undefined;
  /** RANKS_MPI_LIB: the MPI library to load. */
  mpiLib: string | undefined;
  /** RANKS_MPI_PEERS: which MPI world ranks run ranks. */
  mpiPeers: PeerSpec | undefined;
  /** RANKS_CHECK_COLLECTIVES: the agreement step of collectives. */
  checkCollectives: boolean;
  /** RANKS_SHM_MIN_KIB, in bytes. */
  shmMinBytes: number;
  /** RANKS_ONE_COPY: large messages between rank threads copied once, straight from the sender's memory. */
  oneCopy: boolean;
  /** RANKS_KEEP_MEMORY: raise glibc's thresholds so freed large buffers are reused, not unmapped. */
  keepMemory: boolean;
  /** RANKS_SPIN_US; undefined: the transport's own default. */
  spinMicros: number | undefined;
  /** RANKS_NAP_US. */
  napMicros: number;
  /** RANKS_RING_KIB, in bytes. */
  ringBytes: number;
  /** RANKS_SPAWN_MAX: ranks a threads or processes job may spawn in all. */
  spawnMax: number;
  /** RANKS_PROCESS_RANK: set by ranks for a rank process (read by transport/processes/rank.ts). */
  processRank: string | undefined;
  /** RANKS_TRACE: where a job's trace goes (`ranks run --trace`); under mpiexec, each rank records. */
  trace: string | undefined;
  /** RANKS_PROFILE: `text`, `json` or a file path (`ranks run --profile`); under mpiexec, each rank records. */
  profile: string | undefined;
  /** RANKS_REPL_HISTORY: the file `ranks repl` keeps its history in ('' for none). */
  replHistory: string | undefined;
  /** RANKS_TRACE_LIMIT: spans each rank keeps. */
  traceLimit: number;
  /** RANKS_TRACE_RANK: set by ranks for a traced rank process (read by trace/rank.ts). */
  traceRank: string | undefined;
}

/** One variable: how it is read and documented. */
export interface Variable<T> {
  /** The variable's name. */
  readonly name: `RANKS_${string}`;
  /** Reads a set, non-empty value; throws InvalidArgumentError or ArgumentRangeError naming the variable. */
  readonly parse: (text: string, name: string) => T;
  /** The value when the variable is unset or empty. */
  readonly fallback: T;
  /** The default as the README shows it. */
  readonly shown: string;
  /** What it does (markdown, one line). */
  readonly effect: string;
}

// Parsers. A text that is not a number is ERR_INVALID_ARG; a number out of range,
// ERR_OUT_OF_RANGE (src/validate.ts's rule, with the text shown as a string).
function number(min: number): (text: string, name: string) => number {
  return (text, name) => {
    const n = numberFromText(text);
    if (Number.isNaN(n)) expected(name, `a number >= ${min}`, text, false);
    return checkNumber(name, n, { min });
  };
}

function kib(text: string, name: string): number {
  const n = numberFromText(text);
  if (Number.isNaN(n)) expected(name, 'a whole number of KiB >= 0', text, false);
  return checkInteger(name, n, { min: 0 }) * 1024;
}

const RING_MAX_KIB = 2 ** 20;
function ringKib(text: string, name: string): number {
  const n = numberFromText(text);
  if (Number.isNaN(n)) expected(name, `a power of two in 1..${RING_MAX_KIB} (KiB)`, text, false);
  if (!(Number.isInteger(n) && n >= 1 && n <= RING_MAX_KIB && (n & (n - 1)) === 0)) expected(name, `a power of two in 1..${RING_MAX_KIB} (KiB)`, n, true);
  return n * 1024;
}

function count(text: string, name: string): number {
  const n = numberFromText(text);
  if (Number.isNaN(n)) expected(name, 'an integer >= 0', text, false);
  return checkInteger(name, n, { min: 0 });
}

function flag(text: string, name: string): boolean {
  const t = text.trim().toLowerCase();
  if (['1', 'true', 'on', 'yes'].includes(t)) return true;
  if (['0', 'false', 'off', 'no'].includes(t)) return false;
  return expected(name, '0 or 1 (also false/true, off/on, no/yes)', text, false);
}

/** Reads `0-3,5,8-9` or `all` (the syntax of RANKS_MPI_PEERS). */
export function parsePeers(text: string, name = 'RANKS_MPI_PEERS'): PeerSpec {
  if (text.trim() === 'all') return 'all';
  return text.split(',').map((part) => {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) return expected(name, 'a list of ranks and ranges such as 0-3,5, or all', text, false);
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    if (hi < lo)
      throw new ArgumentRangeError(
        `Expected \`${name}\` to list ranges from low to high, got ${JSON.stringify(part.trim())} in ${JSON.stringify(text)} (string)`,
      );
    return [lo, hi] as const;
  });
}

const text = (t: string): string => t;

/** RANKS_PROFILE and `--profile=`: `text`, `json`, or a file to write the JSON to (a path ending in .json). */
export function profileMode(t: string, name: string): string {
  const v = t.trim();
  if (v === 'text' || v === 'json' || v.endsWith('.json')) return v;
  return expected(name, 'text, json or a path ending in .json', t, false);
}

/**
 * Every RANKS_* variable ranks reads, by setting; the README's table lists them in this
 * order. The compiler keeps it complete: one entry per field of Settings.
 */
export const VARIABLES: { readonly [K in keyof Settings]: Variable<Settings[K]> } = {
  transport: {
    name: 'RANKS_TRANSPORT',
    parse: (t, name) => checkOneOf(name, t.trim(), ['mpi', 'threads']),
    fallback: undefined,
    shown: 'detected',
    effect: '`mpi`: this process is an MPI rank even when no launcher is detected; `threads`: MPI detection off (a world of one outside `ranks run`)',
  },
  mpiLib: {
    name: 'RANKS_MPI_LIB',
    parse: text,
    fallback: undefined,
    shown: 'searched',
    effect: 'path of the MPI library to load (`libmpi.so.40`, `libmpich.so.12`, ...)',
  },
  mpiPeers: {
    name: 'RANKS_MPI_PEERS',
    parse: parsePeers,
    fallback: undefined,
    shown: 'all ranks',
    effect: 'which MPI world ranks run ranks, e.g. `1,4-7` or `all`, in a job mixed with C or mpi4py programs',
  },
  checkCollectives: {
    name: 'RANKS_CHECK_COLLECTIVES',
    parse: flag,
    fallback: true,
    shown: '1',
    effect: "`0`: collectives skip the agreement step (same call, root, op and shape on every rank; one rank's bad argument reaching all); see Collectives",
  },
  shmMinBytes: {
    name: 'RANKS_SHM_MIN_KIB',
    parse: kib,
    fallback: 256 * 1024,
    shown: '256',
    effect: 'size (KiB) from which collectives move typed arrays through shared memory (threads)',
  },
  oneCopy: {
    name: 'RANKS_ONE_COPY',
    parse: flag,
    fallback: true,
    shown: '1',
    effect: "`0`: messages from 256 KiB between rank threads take two copies (through a shared area) instead of one straight from the sender's memory",
  },
  keepMemory: {
    name: 'RANKS_KEEP_MEMORY',
    parse: flag,
    fallback: true,
    shown: '1',
    effect:
      "`0`: leave glibc's malloc thresholds alone (ranks raises them on its first large message, so freed message buffers are reused instead of returned to the kernel and faulted in again)",
  },
  spinMicros: {
    name: 'RANKS_SPIN_US',
    parse: number(0),
    fallback: undefined,
    shown: '100 (threads), 50 or 5 (MPI)',
    effect: 'microseconds a waiting rank spins before it naps (MPI: 5 when more ranks than cores share the node)',
  },
  napMicros: {
    name: 'RANKS_NAP_US',
    parse: number(0),
    fallback: 1000,
    shown: '1000',
    effect: 'microseconds a waiting rank may block in `Atomics.wait` before it sleeps on its doorbell (threads)',
  },
  ringBytes: {
    name: 'RANKS_RING_KIB',
    parse: ringKib,
    fallback: 256 * 1024,
    shown: '256',
    effect:
      'size (KiB, a power of two) of each ring buffer between two ranks of the threads transport: one per pair of ranks that talk; a larger message streams through it in parts',
  },
  spawnMax: {
    name: 'RANKS_SPAWN_MAX',
    parse: count,
    fallback: 64,
    shown: '64',
    effect:
      'how many ranks `comm.spawn()` may start in all in a job of `ranks run` or `launch()` (threads: 64 bytes of control block each, reserved at start); past it spawn fails with ERR_SPAWN',
  },
  processRank: {
    name: 'RANKS_PROCESS_RANK',
    parse: text,
    fallback: undefined,
    shown: '—',
    effect: 'set by `ranks run --transport processes` (and process pools) for each rank process; not for users to set',
  },
  replHistory: {
    name: 'RANKS_REPL_HISTORY',
    parse: text,
    fallback: undefined,
    shown: '~/.ranks_repl_history',
    effect: 'the file `ranks repl` keeps its input history in; `off`: keep none',
  },
  trace: {
    name: 'RANKS_TRACE',
    parse: text,
    fallback: undefined,
    shown: 'off',
    effect:
      "write the job's trace (Chrome trace-event JSON) to this file, as `ranks run --trace FILE` does; under `mpiexec` every rank records and the last to end writes it",
  },
  profile: {
    name: 'RANKS_PROFILE',
    parse: profileMode,
    fallback: undefined,
    shown: 'off',
    effect: "`text`, `json` or a `.json` file: print the job's profile at its end, as `ranks run --profile` does (also under `mpiexec`)",
  },
  traceLimit: {
    name: 'RANKS_TRACE_LIMIT',
    parse: (t, name) => {
      const n = numberFromText(t);
      if (Number.isNaN(n)) expected(name, 'an integer >= 1', t, false);
      return checkInteger(name, n, { min: 1 });
    },
    fallback: 1_000_000,
    shown: '1000000',
    effect: 'spans each rank keeps while tracing or profiling; past it the oldest are dropped (the trace says how many)',
  },
  traceRank: {
    name: 'RANKS_TRACE_RANK',
    parse: text,
    fallback: undefined,
    shown: '—',
    effect: 'set by `ranks run --trace`/`--profile` for each traced rank process; not for users to set',
  },
};
