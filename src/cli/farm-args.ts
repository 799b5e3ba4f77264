// `ranks farm` arguments, GNU parallel's way: options, then the command template, then
// its inputs (after the template, after `:::`, from -a FILE, or from stdin).
import { InvalidArgumentError } from '../errors.ts';
import { parseHalt, type HaltOptions } from '../farm/halt.ts';

export interface FarmArgs {
  help: boolean;
  jobs: number | undefined;
  /** Seconds. */
  timeout: number | undefined;
  halt: HaltOptions | undefined;
  joblog: string | undefined;
  resume: boolean;
  argFile: string | undefined;
  nul: boolean;
  dryRun: boolean;
  quiet: boolean;
  spawnFrom: 'workers' | 'main' | undefined;
  template: string;
  /** Inputs given on the command line; undefined: read them from `argFile` or stdin. */
  inputs: string[] | undefined;
}

function positive(text: string | undefined, name: string, integer: boolean): number {
  const n = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new InvalidArgumentError(`Expected ${name} to be ${integer ? 'an integer >= 1' : 'a number > 0'}, got ${JSON.stringify(text ?? '')}`);
  }
  return n;
}

/** Reads `ranks farm` arguments; throws InvalidArgumentError with a message for people. */
export function parseFarm(argv: string[]): FarmArgs {
  const a: Omit<FarmArgs, 'template' | 'inputs'> = {
    help: false, jobs: undefined, timeout: undefined, halt: undefined, joblog: undefined, resume: false, argFile: undefined, nul: false, dryRun: false, quiet: false, spawnFrom: undefined,
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const [flag, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : /^-j\d+$/.test(arg) ? ['-j', arg.slice(2)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new InvalidArgumentError(`${flag} needs a value`);
      return v;
    };
    if (flag === '-h' || flag === '--help') a.help = true;
    else if (flag === '-j' || flag === '--jobs') a.jobs = positive(value(), '-j', true);
    else if (flag === '--timeout') a.timeout = positive(value(), '--timeout', false);
    else if (flag === '--halt') a.halt = parseHalt(value());
    else if (flag === '--joblog') a.joblog = value();
    else if (flag === '--resume') a.resume = true;
    else if (flag === '-a' || flag === '--arg-file') a.argFile = value();
    else if (flag === '-0' || flag === '--null') a.nul = true;
    else if (flag === '--dry-run') a.dryRun = true;
    else if (flag === '-q' || flag === '--quiet') a.quiet = true;
    else if (flag === '--spawn-from') {
      const v = value();
      if (v !== 'workers' && v !== 'main') throw new InvalidArgumentError(`Expected --spawn-from to be workers or main, got ${JSON.stringify(v)}`);
      a.spawnFrom = v;
    } else if (flag === '--') {
      i++;
      break;
    } else if (flag.startsWith('-') && flag !== '-' && flag !== ':::') throw new InvalidArgumentError(`Unknown option ${flag} (see ranks farm --help)`);
    else break;
  }
  if (a.help) return { ...a, template: '', inputs: undefined };
  if (a.resume && !a.joblog) throw new InvalidArgumentError('--resume needs --joblog FILE: the log of the run to resume');
  const rest = argv.slice(i);
  const sep = rest.indexOf(':::');
  // `CMD WORDS ::: INPUTS`: the words before ::: make the command, as in GNU parallel.
  const [words, inputs] = sep >= 0 ? [rest.slice(0, sep), rest.slice(sep + 1)] : [rest.slice(0, 1), rest.length > 1 ? rest.slice(1) : undefined];
  const template = words.join(' ');
  if (template.trim() === '') throw new InvalidArgumentError("Missing the command: ranks farm -j 4 './mmul.x < {} > {}.out' in0 in1 in2 in3");
  if (inputs !== undefined && a.argFile !== undefined) throw new InvalidArgumentError('Give inputs one way: on the command line, or with -a FILE, or on stdin');
  return { ...a, template, inputs };
}
