// Multi-line input as Node's REPL does it: an input that ends in the middle of a
// statement (an open bracket, template or comment, a dangling `=`) waits for more lines.
import { Script } from 'node:vm';

interface Scan {
  /** Open brackets left at the end (negative: more closed than opened). */
  depth: number;
  /** Ends inside a template literal or a block comment. */
  open: boolean;
}

// Brackets outside strings, templates and comments (regular expressions are not told apart:
// the compiler has the last word, this only says which way an error at the end leans).
function scan(code: string): Scan {
  let depth = 0;
  let min = 0;
  let i = 0;
  const n = code.length;
  while (i < n) {
    const c = code[i]!;
    if (c === '/' && code[i + 1] === '/') {
      while (i < n && code[i] !== '\n') i++;
    } else if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      if (end < 0) return { depth, open: true };
      i = end + 2;
      continue;
    } else if (c === '"' || c === "'" || c === '`') {
      i++;
      while (i < n && code[i] !== c && (c === '`' || code[i] !== '\n')) i += code[i] === '\\' ? 2 : 1;
      if (i >= n && c === '`') return { depth, open: true };
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      min = Math.min(min, --depth);
    }
    i++;
  }
  return { depth: min < 0 ? min : depth, open: false };
}

/**
 * Whether `code` is the start of an input rather than a finished one with a syntax error:
 * it does not compile, and it fails at its very end (the compiler ran out of input), or it
 * ends inside an open bracket, template literal or block comment.
 *
 * @example
 * isIncomplete('for (const x of xs) {'); // true
 * isIncomplete('1 +* 2'); // false: a syntax error, reported at once
 */
export function isIncomplete(code: string): boolean {
  const lines = code.split('\n').length;
  try {
    // Inside an async function, as top-level await makes it; never run, only compiled.
    new Script(`(async function () {\n${code}\n})`, { filename: 'input' });
    return false;
  } catch (err) {
    if (!(err instanceof SyntaxError)) return false;
    const s = scan(code);
    if (s.depth < 0) return false;
    if (s.open) return true;
    const at = /^input:(\d+)/.exec(err.stack ?? '');
    return err.message === 'Unexpected end of input' || (at !== null && Number(at[1]) > lines + 1);
  }
}
