import { InvalidArgumentError } from '../errors.ts';

export interface RunArgs {
  size: number | undefined;
  tagOutput: boolean;
  timeout: number | undefined;
  transport: string | undefined;
  script: string;
  args: string[];
}

function value(argv: string[], i: number, name: string): string {
  const v = argv[i];
  if (v === undefined) throw new InvalidArgumentError(`${name} needs a value`);
  return v;
}

function positiveNumber(text: string, name: string, integer: boolean): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`Expected ${name} to be ${integer ? 'an integer >= 1' : 'a number > 0'}, got ${JSON.stringify(text)}`);
  return n;
}

/** `ranks run` options stop at the script: everything after it belongs to the script. */
export function parseRun(argv: string[]): RunArgs {
  const out: Partial<RunArgs> & { tagOutput: boolean } = { tagOutput: false };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const next = (): string => inline ?? value(argv, ++i, flag);
    if (flag === '-n' || flag === '--np' || flag === '-np') out.size = positiveNumber(next(), '-n', true);
    else if (flag === '--tag-output') out.tagOutput = true;
    else if (flag === '--timeout') out.timeout = positiveNumber(next(), '--timeout', false);
    else if (flag === '--transport') out.transport = next();
    else if (flag === '--') { i++; break; }
    else if (flag.startsWith('-')) throw new InvalidArgumentError(`Unknown option ${flag} (see ranks run --help)`);
    else break;
  }
  const script = argv[i];
  if (script === undefined) throw new InvalidArgumentError('Missing the script to run: ranks run -n 4 app.ts');
  return { size: out.size, tagOutput: out.tagOutput, timeout: out.timeout, transport: out.transport, script, args: argv.slice(i + 1) };
}
