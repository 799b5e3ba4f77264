// Where a task module really is: the file its URL names, or, as TypeScript's `nodenext`
// resolution has it, its TypeScript source beside a missing `.js` (run through tsx), or
// its compiled `.js` beside a missing `.ts`. So `new URL('./math.js', import.meta.url)`
// works both under tsx (math.ts) and after tsc (math.js).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from '../errors.ts';

// The other spellings of a module, in the order tried.
const SIBLINGS: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
  '.ts': ['.js'],
  '.tsx': ['.js', '.jsx'],
  '.mts': ['.mjs'],
  '.cts': ['.cjs'],
};

const resolved = new Map<string, string>();

/**
 * The URL of the file that holds the task module at `href`: `href` itself when its file
 * exists (or it is not a `file:` URL), else the first sibling that exists. Throws
 * `InvalidArgumentError` (`ERR_INVALID_ARG`) naming every path tried when none does.
 */
export function resolveTaskModule(href: string): string {
  const known = resolved.get(href);
  if (known) return known;
  const url = new URL(href);
  if (url.protocol !== 'file:') return href;
  const tried = [fileURLToPath(url)];
  let found = existsSync(tried[0]!) ? href : undefined;
  const ext = /\.[^./]+$/.exec(url.pathname)?.[0] ?? '';
  for (const other of found ? [] : (SIBLINGS[ext] ?? [])) {
    const sibling = new URL(url);
    sibling.pathname = url.pathname.slice(0, -ext.length) + other;
    const path = fileURLToPath(sibling);
    tried.push(path);
    if (existsSync(path)) {
      found = sibling.href;
      break;
    }
  }
  if (!found) {
    const what =
      tried.length > 1
        ? `none of ${tried.join(', ')} exists (tasks() takes the .js spelling of a .ts file, as TypeScript does, and loads the .js file beside a .ts spelling once compiled)`
        : `${tried[0]} does not exist`;
    throw new InvalidArgumentError(`Cannot find the task module: ${what}`);
  }
  resolved.set(href, found);
  return found;
}
