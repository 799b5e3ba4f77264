// The command line of one job: the template is shell code, and every replacement string is
// replaced by the job's argument (or a part of it) single-quoted, so no input is ever
// shell code. GNU parallel's replacement strings this does not implement are refused.
import { posix } from 'node:path';
import { InvalidArgumentError } from '../errors.ts';

/**
 * Replacement strings: `{}` `{.}` `{/}` `{//}` `{/.}`, the same with a position (`{2}`,
 * `{2.}`, `{-1/}`), `{#}` and `{%}`. Longest modifiers first so `{/.}` is not `{/}` and `.`.
 */
const REPLACEMENT = /\{(?:(-?\d+)?(\/\/|\/\.|\/|\.)?|(#|%))\}/g;

/** GNU parallel's other replacement strings (`{= perl =}`, `{+/}`, `{..}`, `{##}`, `{0#}` …): refused. */
const UNSUPPORTED = /\{(?:=[\s\S]*?=|-?\d*(?:\+\/|\+\.{1,3}|\.{2,3}|\/\.{2,3})|##|0[#%])\}/;

/**
 * `value` as one word of `/bin/sh`: single quotes, inside which nothing is special, and
 * each `'` written as `'\''` (close, an escaped quote, reopen).
 *
 * @example
 * shellQuote("it's $(here)"); // "'it'\\''s $(here)'"
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** The last path component without its extension: `a/b.tar.gz` → `a/b.tar`, `.bashrc` stays. */
function noExtension(input: string): string {
  const base = posix.basename(input);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? input.slice(0, input.length - (base.length - dot)) : input;
}

function part(mod: string, input: string): string {
  switch (mod) {
    case '':
      return input;
    case '.':
      return noExtension(input);
    case '/':
      return posix.basename(input);
    case '//':
      return posix.dirname(input);
    default: // '/.'
      return noExtension(posix.basename(input));
  }
}

type Piece = string | { pos: number | undefined; mod: string } | { special: '#' | '%' };

/** A parsed template, rendered once per job. */
export interface Template {
  readonly source: string;
  readonly pieces: readonly Piece[];
  /** The highest position named (`{3}` → 3, `{-2}` → 2): a job needs at least this many arguments. */
  readonly positions: number;
  /** True when it names the job slot `{%}`: rendered where the job starts. */
  readonly usesSlot: boolean;
}

/**
 * Parses `template`; throws InvalidArgumentError for GNU parallel replacement strings that
 * are not implemented, and for `{0}`. A template with no replacement string gets ` {}`.
 */
export function compileTemplate(template: string): Template {
  const bad = UNSUPPORTED.exec(template);
  if (bad)
    throw new InvalidArgumentError(
      `the replacement string ${bad[0]} (GNU parallel's) is not supported; supported: {} {.} {/} {//} {/.} {#} {%} and {N}, {N.}, {N/}, {N//}, {N/.}`,
    );
  const source = REPLACEMENT.test(template) ? template : `${template} {}`;
  REPLACEMENT.lastIndex = 0;
  const pieces: Piece[] = [];
  let positions = 0;
  let usesSlot = false;
  let from = 0;
  for (const m of source.matchAll(REPLACEMENT)) {
    if (m.index > from) pieces.push(source.slice(from, m.index));
    from = m.index + m[0].length;
    if (m[3] !== undefined) {
      usesSlot ||= m[3] === '%';
      pieces.push({ special: m[3] as '#' | '%' });
      continue;
    }
    const pos = m[1] === undefined ? undefined : Number(m[1]);
    if (pos === 0) throw new InvalidArgumentError(`the replacement string ${m[0]} names argument 0; positions start at 1 ({1}), or count from the end ({-1})`);
    if (pos !== undefined) positions = Math.max(positions, Math.abs(pos));
    pieces.push({ pos, mod: m[2] ?? '' });
  }
  if (from < source.length) pieces.push(source.slice(from));
  return { source, pieces, positions, usesSlot };
}

/**
 * The shell command of job number `job` for `args` (one per input source), run in job
 * slot `slot`: `{}` every argument (each quoted, space-separated), `{N}` the Nth (from
 * the end when negative), with the modifiers `.` (no extension), `/` (basename), `//`
 * (dirname), `/.` (basename without extension); `{#}` the job number, `{%}` the slot.
 *
 * @example
 * renderTemplate(compileTemplate('./mmul.x < {} > {.}.out'), ['in/a b.txt'], 3, 1); // "./mmul.x < 'in/a b.txt' > 'in/a b'.out"
 */
export function renderTemplate(t: Template, args: readonly string[], job: number, slot: number): string {
  if (t.positions > args.length)
    throw new InvalidArgumentError(`Expected every job to have at least ${t.positions} arguments for ${t.source}, got ${args.length} in job ${job}`);
  let out = '';
  for (const p of t.pieces) {
    if (typeof p === 'string') out += p;
    else if ('special' in p) out += String(p.special === '#' ? job : slot);
    else if (p.pos === undefined) out += args.map((a) => shellQuote(part(p.mod, a))).join(' ');
    else out += shellQuote(part(p.mod, args[p.pos > 0 ? p.pos - 1 : args.length + p.pos]!));
  }
  return out;
}

/**
 * The shell command of job `job` for one `input` (slot 1).
 *
 * @example
 * expand('cat {} > {.}.out', 'a.txt', 1); // "cat 'a.txt' > 'a'.out"
 */
export function expand(template: string, input: string | readonly string[], job: number, slot = 1): string {
  return renderTemplate(compileTemplate(template), typeof input === 'string' ? [input] : input, job, slot);
}

/**
 * One word of a command given as several words (`ranks farm gzip -9 ::: *.log`) as
 * data: its text single-quoted, its replacement strings kept, so the word can never be
 * shell code whatever it came from (a shell glob, say).
 *
 * @example
 * quoteWord('{}.bak'); // "{}'.bak'"
 */
export function quoteWord(word: string): string {
  let out = '';
  let from = 0;
  for (const m of word.matchAll(REPLACEMENT)) {
    if (m.index > from) out += shellQuote(word.slice(from, m.index));
    out += m[0];
    from = m.index + m[0].length;
  }
  if (from < word.length || word === '') out += shellQuote(word.slice(from));
  return out;
}
