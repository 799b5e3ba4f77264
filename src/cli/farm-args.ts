// `ranks farm` arguments, GNU parallel's way: options, then the command, then its input
// sources (after the template, after each `:::` or `::::`, from -a FILE, or from stdin).
// Only the first word after the options is shell code; every other word is data.
import { accessSync, constants } from 'node:fs';
import { isRanksError } from '../errors.ts';
import { parseHalt, type HaltOptions } from '../farm/halt.ts';
import { compileTemplate, quoteWord } from '../farm/template.ts';
import { parseCommand, positiveInteger, positiveNumber, UsageError } from './usage.ts';

/** One input source: words of the command line, or the lines of a file (`-`: stdin). */
export type Source = { kind: 'args'; values: string[] } | { kind: 'file'; path: string };

export interface FarmArgs {
  help: boolean;
  jobs: number | undefined;
  /** Seconds. */
  timeout: number | undefined;
  halt: HaltOptions | undefined;
  joblog: string | undefined;
  resume: boolean | 'failed';
  nul: boolean;
  dryRun: boolean;
  quiet: boolean;
  keepOrder: boolean;
  tag: boolean;
  spawnFrom: 'workers' | 'main' | undefined;
  template: string;
  /** The input sources, at least one; a job per combination of their values. */
  sources: Source[];
  /** A warning for stderr about a command line that may not say what was meant. */
  note: string | undefined;
}

/** The options of `ranks farm`, for util.parseArgs. */
export const FARM_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  jobs: { type: 'string', short: 'j' },
  timeout: { type: 'string' },
  halt: { type: 'string' },
  joblog: { type: 'string' },
  resume: { type: 'boolean' },
  'resume-failed': { type: 'boolean' },
  'arg-file': { type: 'string', short: 'a', multiple: true },
  null: { type: 'boolean', short: '0' },
  'keep-order': { type: 'boolean', short: 'k' },
  tag: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  'spawn-from': { type: 'string' },
} as const;

const NOT_HERE = "GNU parallel's option, which ranks farm does not implement";
const BAR = 'ranks farm shows a progress bar on a terminal by itself (-q: none)';
const LINK = 'linked input sources are not implemented (every combination of ::: sources runs)';
/** GNU parallel's options that ranks farm refuses (with a reason) rather than misreads. */
const UNSUPPORTED: Record<string, string> = {
  '-P': 'write -j N',
  '--max-procs': 'write -j N',
  '--xapply': LINK,
  '--link': LINK,
  '--bar': BAR,
  '--progress': BAR,
  '--eta': BAR,
  '--will-cite': 'there is nothing to cite: drop it',
  '--ungroup': 'output is always grouped per job',
  '-u': 'output is always grouped per job',
  '--line-buffer': 'output is always grouped per job',
  '--results': NOT_HERE,
  '--tagstring': NOT_HERE,
  '--colsep': NOT_HERE,
  '-C': NOT_HERE,
  '-N': NOT_HERE,
  '--max-args': NOT_HERE,
  '-L': NOT_HERE,
  '--max-lines': NOT_HERE,
  '-X': NOT_HERE,
  '-m': NOT_HERE,
  '--pipe': NOT_HERE,
  '--sshlogin': NOT_HERE,
  '-S': NOT_HERE,
  '--retries': NOT_HERE,
  '--delay': NOT_HERE,
  '--load': NOT_HERE,
  '--memfree': NOT_HERE,
  '--shuf': NOT_HERE,
  '--header': NOT_HERE,
  '--plus': NOT_HERE,
  '-I': NOT_HERE,
  '--replace': NOT_HERE,
  '-d': NOT_HERE,
  '--delimiter': NOT_HERE,
  '-E': NOT_HERE,
  '--retry-failed': NOT_HERE,
  '--env': NOT_HERE,
  '--workdir': NOT_HERE,
  '--nice': NOT_HERE,
  '--semaphore': NOT_HERE,
  '--files': NOT_HERE,
  '--compress': NOT_HERE,
  '--tmux': NOT_HERE,
  '--fifo': NOT_HERE,
  '--cat': NOT_HERE,
  '--block': NOT_HERE,
  '--roundrobin': NOT_HERE,
  '--group': 'output is always grouped per job',
  '--quote': NOT_HERE,
};

const SEPARATORS = new Set([':::', '::::', ':::+', '::::+']);

/** Reads `ranks farm` arguments; throws UsageError with a message for people. */
export function parseFarm(argv: string[]): FarmArgs {
  const { values: v, rest } = parseCommand('farm', argv, FARM_OPTIONS, UNSUPPORTED);
  const spawnFrom = v['spawn-from'];
  if (spawnFrom !== undefined && spawnFrom !== 'workers' && spawnFrom !== 'main')
    throw new UsageError('farm', `Expected --spawn-from to be workers or main, got ${JSON.stringify(spawnFrom)}`);
  let halt: HaltOptions | undefined;
  try {
    halt = parseHalt(v.halt);
  } catch (err) {
    throw new UsageError('farm', (err as Error).message);
  }
  const resume = v['resume-failed'] ? 'failed' : v.resume === true;
  const a = {
    help: v.help === true,
    jobs: positiveInteger('farm', '-j', v.jobs),
    timeout: positiveNumber('farm', '--timeout', v.timeout),
    halt,
    joblog: v.joblog,
    resume,
    nul: v.null === true,
    dryRun: v['dry-run'] === true,
    quiet: v.quiet === true,
    keepOrder: v['keep-order'] === true,
    tag: v.tag === true,
    spawnFrom,
  } as const;
  if (a.help) return { ...a, template: '', sources: [], note: undefined };
  if (resume && !a.joblog)
    throw new UsageError('farm', `${resume === 'failed' ? '--resume-failed' : '--resume'} needs --joblog FILE: the log of the run to resume`);
  const { words, sources } = commandLine(rest, v['arg-file'] ?? []);
  const template = [words[0]!, ...words.slice(1).map(quoteWord)].join(' ');
  try {
    const t = compileTemplate(template);
    if (t.positions > sources.length)
      throw new UsageError('farm', `the template names input source ${t.positions}, but there ${sources.length === 1 ? 'is 1' : `are ${sources.length}`}`);
  } catch (err) {
    if (err instanceof UsageError || !isRanksError(err)) throw err;
    throw new UsageError('farm', err.message, true);
  }
  // `'echo {}' *` with a file named ::: among the matches: the names before it become
  // words of the command. They stay data (quoted), but say so.
  const note =
    words.length > 1 && /\{[^}]*\}/.test(words[0]!)
      ? `note: the ${words.length - 1} word${words.length === 2 ? '' : 's'} between the command and the first ${rest.find((w) => SEPARATORS.has(w))} ${words.length === 2 ? 'is' : 'are'} passed to every job as literal arguments (did a shell glob match a file named :::?)`
      : undefined;
  return { ...a, template, sources, note };
}

/** Splits what follows the options into the command's words and the input sources. */
function commandLine(rest: string[], argFiles: string[]): { words: string[]; sources: Source[] } {
  const first = rest.findIndex((w) => SEPARATORS.has(w));
  if (rest.length === 0 || first === 0) throw new UsageError('farm', "missing the command: ranks farm -j 4 './mmul.x < {} > {}.out' in0 in1 in2 in3");
  if (first < 0) {
    // `TEMPLATE INPUT...`: one word of command, the rest are inputs (a ranks shorthand).
    const sources: Source[] = rest.length > 1 ? [{ kind: 'args', values: rest.slice(1) }] : [];
    return { words: [rest[0]!], sources: withArgFiles(sources, argFiles) };
  }
  const sources: Source[] = [];
  for (let i = first; i < rest.length;) {
    const sep = rest[i]!;
    let end = i + 1;
    while (end < rest.length && !SEPARATORS.has(rest[end]!)) end++;
    const group = rest.slice(i + 1, end);
    if (sep === ':::+' || sep === '::::+') throw new UsageError('farm', `${sep} (linking input sources) is not supported; ${LINK}`, true);
    if (sep === ':::') sources.push({ kind: 'args', values: group });
    else if (group.length === 0) throw new UsageError('farm', ':::: needs the files to read inputs from');
    else sources.push(...group.map((path): Source => ({ kind: 'file', path })));
    i = end;
  }
  return { words: rest.slice(0, first), sources: withArgFiles(sources, argFiles) };
}

function withArgFiles(sources: Source[], argFiles: string[]): Source[] {
  if (argFiles.length > 0 && sources.length > 0) throw new UsageError('farm', 'give inputs one way: on the command line, or with -a FILE, or on stdin');
  const all =
    sources.length > 0 ? sources : argFiles.length > 0 ? argFiles.map((path): Source => ({ kind: 'file', path })) : [{ kind: 'file', path: '-' } as const];
  if (all.filter((s) => s.kind === 'file' && s.path === '-').length > 1) throw new UsageError('farm', 'stdin (-) can be one input source only');
  for (const s of all) {
    if (s.kind !== 'file' || s.path === '-') continue;
    try {
      accessSync(s.path, constants.R_OK);
    } catch (err) {
      throw new UsageError('farm', `cannot read the input file ${JSON.stringify(s.path)}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  return all;
}
