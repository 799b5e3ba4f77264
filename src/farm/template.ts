// The command line of one job: the template is shell code, and every placeholder is
// replaced by the input (or a part of it) single-quoted, so no input is ever shell code.
import { posix } from 'node:path';

/** Placeholders, longest first so `{/.}` is not read as `{/}` followed by `.`. */
const PLACEHOLDER = /\{(\/\/|\/\.|\/|\.|#|)\}/g;

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

function part(kind: string, input: string): string {
  switch (kind) {
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

/** True if the template names the input somewhere (otherwise it is appended, as GNU parallel does). */
export function hasPlaceholder(template: string): boolean {
  return /\{(\/\/|\/\.|\/|\.|)\}/.test(template);
}

/**
 * The shell command of job number `job` (1-based) for `input`: `{}` the input, `{.}`
 * without extension, `{/}` basename, `{//}` dirname, `{/.}` basename without extension,
 * `{#}` the job number. A template without an input placeholder gets ` {}` appended.
 *
 * @example
 * expand('./mmul.x < {} > {.}.out', 'in/a b.txt', 3); // "./mmul.x < 'in/a b.txt' > 'in/a b'.out"
 */
export function expand(template: string, input: string, job: number): string {
  const t = hasPlaceholder(template) ? template : `${template} {}`;
  return t.replace(PLACEHOLDER, (_, kind: string) => (kind === '#' ? String(job) : shellQuote(part(kind, input))));
}
