// How every rank (thread, process or MPI rank) gets ready to import the user's script:
// `.ts` files load through tsx, and a script written in ESM syntax (import/export, top-level
// await, import.meta) runs as an ES module whatever its nearest package.json says. tsx and
// Node pick CommonJS for a `.ts` or `.js` file when the nearest package.json says
// `"type": "commonjs"` (what `npm init -y` writes) or there is none; top-level await then
// fails in every rank. A small resolve hook (entry-format.ts) marks the entry script as
// `module`, so tsx compiles it as ESM; every other file keeps the format Node gives it.
import { readFileSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { isTypeScript, registerTypeScript } from '../supervise/loader.ts';

/** Extensions whose format comes from the nearest package.json (not .mts/.mjs/.cts/.cjs). */
const BY_PACKAGE = /\.(?:tsx?|jsx?)$/;
/** What only a CommonJS script uses: such a script keeps the format its package gives it. */
const CJS_ONLY = /\brequire\s*\(|\bmodule\s*\.\s*exports\b|\bexports\s*\.\s*[\w$]|\b__dirname\b|\b__filename\b/;

/** What only an ES module can use: the script is ESM whatever else it mentions. */
const ESM_ONLY = /\bimport\s*\.\s*meta\b/;

/**
 * True when `source` has a top-level await: esbuild (the compiler tsx runs) refuses to
 * compile it as CommonJS. Exact where a pattern is not (`if (x) { await f(); }` at top level
 * is top-level; `async function f() { await g(); }` is not).
 */
function hasTopLevelAwait(source: string, file: string): boolean {
  try {
    transformSync(source, { format: 'cjs', loader: /\.tsx$/.test(file) ? 'tsx' : /\.jsx$/.test(file) ? 'jsx' : 'ts', logLevel: 'silent', sourcefile: file });
    return false;
  } catch (err) {
    const errors = (err as { errors?: { text: string }[] }).errors ?? [];
    return errors.some((e) => /top-level await/i.test(e.text));
  }
}

/** The `type` of the package.json nearest to `file`, or undefined when there is none. */
export function packageType(file: string): string | undefined {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    let text: string | undefined;
    try {
      text = readFileSync(join(dir, 'package.json'), 'utf8');
    } catch {
      // none here: look in the parent
    }
    if (text !== undefined) {
      try {
        const type = (JSON.parse(text) as { type?: unknown }).type;
        return typeof type === 'string' ? type : 'commonjs';
      } catch {
        return undefined;
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Source without its comments (roughly: enough that a comment never looks like code). */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:\\])\/\/.*$/gm, '$1');
}

/**
 * True when the script at `url` must be loaded as an ES module against what its nearest
 * package.json says: a `.ts`, `.tsx`, `.js` or `.jsx` file, in a package that is not
 * `"type": "module"` (or in none), whose source either cannot run as CommonJS (top-level
 * await, `import.meta`) or uses nothing that only CommonJS has (`require()`,
 * `module.exports`, `exports.x`, `__dirname`, `__filename`).
 */
export function entryNeedsEsm(url: string): boolean {
  if (!url.startsWith('file:') || !BY_PACKAGE.test(new URL(url).pathname)) return false;
  const file = fileURLToPath(url);
  if (packageType(file) === 'module') return false;
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    return false; // the import reports the missing file
  }
  // A script that cannot run as CommonJS (top-level await, import.meta) is ESM even when it
  // also mentions `__dirname` or `require(` (`const __dirname = dirname(fileURLToPath(
  // import.meta.url))`, `createRequire(import.meta.url)`); otherwise CommonJS markers win.
  const code = withoutComments(source);
  return ESM_ONLY.test(code) || !CJS_ONLY.test(code) || hasTopLevelAwait(source, file);
}

/**
 * Makes this thread ready to import the script at `url` (a file URL): tsx for TypeScript,
 * and the entry-format hook when the script must run as an ES module (see entryNeedsEsm).
 */
export async function prepareScript(url: string): Promise<void> {
  if (isTypeScript(url)) await registerTypeScript();
  // Registered after tsx, so it runs first and sees the format tsx resolved.
  if (entryNeedsEsm(url)) register(new URL('./entry-format.js', import.meta.url), { data: { url } });
}
