// Command-line parsing shared by every `ranks` command: Node's util.parseArgs reads the
// options, which stop at the first positional argument (the script of `ranks run`, the
// command of `ranks farm`): everything from there on belongs to it. One convention for
// usage errors everywhere: `ranks CMD: MESSAGE; see ranks CMD --help`, exit status 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { InvalidArgumentError } from '../errors.ts';
import { numberFromText } from '../validate.ts';

/** The exit status of a usage error, as most command-line tools use it. */
export const USAGE_EXIT = 2;

/** The option table handed to util.parseArgs. */
export type OptionTable = NonNullable<ParseArgsConfig['options']>;

/** The option values util.parseArgs reads with `options`. */
export type OptionValues<T extends OptionTable> = ReturnType<typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>>['values'];

/**
 * A command line that cannot be run as written. `command` names the subcommand (`run`,
 * `farm`, …, or '' for `ranks` itself); `refusal` marks syntax ranks knows but does not
 * implement (GNU parallel's), printed with its code.
 */
export class UsageError extends InvalidArgumentError {
  constructor(
    readonly command: string,
    message: string,
    readonly refusal = false,
  ) {
    super(message);
  }
}

/** The line a usage error prints: `ranks run: unknown option --x (did you mean --y?); see ranks run --help`. */
export function usageLine(err: UsageError): string {
  const who = err.command ? `ranks ${err.command}` : 'ranks';
  return `${who}: ${err.refusal ? `${err.code}: ` : ''}${err.message}; see ${who} --help\n`;
}

/** Levenshtein distance: the fewest one-character edits from `a` to `b`. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The closest of `candidates` to `word`, if it is close enough to be a typo (a third of its length, at least 2 edits). */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function optionNames(options: OptionTable): string[] {
  return Object.entries(options).flatMap(([name, o]) => [`--${name}`, ...(o.short ? [`-${o.short}`] : [])]);
}

function unknownOption(command: string, raw: string, options: OptionTable, unsupported: Record<string, string>): UsageError {
  const flag = raw.includes('=') ? raw.slice(0, raw.indexOf('=')) : raw;
  const why = unsupported[flag] ?? (/^-[^-]/.test(flag) ? unsupported[flag.slice(0, 2)] : undefined);
  if (why !== undefined) return new UsageError(command, `${/^-[^-]/.test(flag) ? flag.slice(0, 2) : flag} is not supported: ${why}`, true);
  // Suggest only long names: any single letter is one edit from any other.
  const near =
    flag.length > 2
      ? closest(
          flag,
          optionNames(options).filter((n) => n.startsWith('--')),
        )
      : undefined;
  return new UsageError(command, `unknown option ${flag}${near ? ` (did you mean ${near}?)` : ''}`);
}

/** Checks one `-abc` word by hand: util.parseArgs splits unknown letters (and `-` itself) silently. */
function checkShortGroup(command: string, raw: string, options: OptionTable, unsupported: Record<string, string>): void {
  const byShort = new Map(
    Object.values(options)
      .filter((o) => o.short)
      .map((o) => [o.short!, o]),
  );
  for (let i = 1; i < raw.length; i++) {
    const o = byShort.get(raw[i]!);
    if (!o) throw unknownOption(command, raw, options, unsupported);
    if (o.type === 'string') return; // the rest is its value: -j4
  }
}

/**
 * Reads the options of `ranks COMMAND` from `argv` up to the first positional argument (or
 * `--`); `rest` is everything after. Throws UsageError for an unknown option (with the
 * nearest known one), a missing value, or a value given to a flag.
 *
 * @example
 * const { values, rest } = parseCommand('run', ['-n', '4', 'app.ts', '--help'], { np: { type: 'string', short: 'n' } });
 * // values.np === '4', rest = ['app.ts', '--help']
 */
export function parseCommand<T extends OptionTable>(
  command: string,
  argv: string[],
  options: T,
  unsupported: Record<string, string> = {},
): { values: OptionValues<T>; rest: string[] } {
  const { tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  let restFrom = argv.length;
  // The options as `--name=value` words, which the strict parse below reads as written.
  const normal: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') {
      restFrom = t.index;
      break;
    }
    if (t.kind === 'option-terminator') {
      restFrom = t.index + 1;
      break;
    }
    const raw = argv[t.index]!;
    if (/^-[^-]/.test(raw)) checkShortGroup(command, raw, options, unsupported);
    const o = options[t.name];
    if (!o) throw unknownOption(command, t.rawName.startsWith('--') ? raw : t.rawName, options, unsupported);
    if (o.type === 'boolean' && t.inlineValue) throw new UsageError(command, `option ${t.rawName} takes no value`);
    // A value may start with '-' when it is `-` or a negative number (refused later, with its own message).
    if (o.type === 'string' && (t.value === undefined || (!t.inlineValue && /^-[^\d]/.test(t.value)))) {
      throw new UsageError(
        command,
        `option ${t.rawName} needs a value${t.value === undefined ? '' : ` (got the option ${t.value}; write --${t.name}=${t.value} if that is the value)`}`,
      );
    }
    normal.push(o.type === 'string' ? `--${t.name}=${t.value!}` : `--${t.name}`);
  }
  const { values } = parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>({
    args: normal,
    options,
    strict: true,
    allowPositionals: false,
  });
  return { values, rest: argv.slice(restFrom) };
}

/** A positive integer option (`-n 4`), or a UsageError in the one message format. */
export function positiveInteger(command: string, flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = numberFromText(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(command, `Expected ${flag} to be an integer >= 1, got ${JSON.stringify(text)}`);
  return n;
}

/** A positive number option (`--timeout 0.5`), or a UsageError in the one message format. */
export function positiveNumber(command: string, flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = numberFromText(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(command, `Expected ${flag} to be a number > 0, got ${JSON.stringify(text)}`);
  return n;
}
