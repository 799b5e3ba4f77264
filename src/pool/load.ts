// How a worker turns a task reference into a function: an export of a module (loading
// tsx first for TypeScript modules), or an inline function rebuilt from its source.

import { registerTypeScript, isTypeScript } from '../supervise/loader.ts';
import { resolveTaskModule } from './resolve.ts';

export type Fn = (...args: unknown[]) => unknown;

// What esbuild's `keepNames` (on under tsx) writes into a function's source as
// `__name(inner, "inner")` for every named function or class inside it: the helper that
// esbuild defines at the top of the module, given to the rebuilt function under the same name.
const setName = (target: object, value: string): unknown => Object.defineProperty(target, 'name', { value, configurable: true });

const loaded = new Map<string, Fn>();

/** The function behind a task reference: `module` is a URL, or null for inline source in `name`. */
export async function loadTask(module: string | null | undefined, name: string): Promise<Fn> {
  const key = `${module ?? ''}#${name}`;
  let fn = loaded.get(key);
  if (fn) return fn;
  if (module === null || module === undefined) {
    fn = new Function('__name', `return (${name});`)(setName) as Fn;
  } else {
    const url = resolveTaskModule(module);
    if (isTypeScript(url)) await registerTypeScript();
    const mod = (await import(url)) as Record<string, unknown>;
    const f = mod[name];
    if (typeof f !== 'function') throw new TypeError(`${url} has no exported function \`${name}\``);
    fn = f as Fn;
  }
  loaded.set(key, fn);
  return fn;
}

// True when the source declares `id` somewhere (roughly: after var/let/const/function/
// class, in a destructuring declaration, a parameter list or a catch clause): enough to
// tell a variable from outside the function from one of its own out of scope.
function declares(source: string, id: string): boolean {
  const word = `(?<![\\w$.])${id.replace(/\$/g, '\\$')}(?![\\w$])`;
  if (new RegExp(`\\b(?:var|let|const|function\\*?|class)\\s+${word}`).test(source)) return true;
  if (new RegExp(`\\b(?:var|let|const)\\s*[[{][^=;]*${word}(?!\\s*:)`).test(source)) return true;
  const own = new RegExp(word);
  for (const m of source.matchAll(/(?:\bfunction\b[^(]*|\bcatch\s*|^\s*(?:async\s*)?|[=(,:?]\s*(?:async\s*)?)\(([^()]*)\)(?=\s*(?:=>|\{))/g)) {
    if (own.test(m[1]!)) return true;
  }
  return new RegExp(`(?:^|[=(,:?])\\s*(?:async\\s+)?${word}\\s*=>`).test(source);
}

/**
 * An inline function (`source`; null for a module's export) that reads a variable from
 * where it was written fails in a worker, where only its source arrived: say so, and what
 * to do instead, but only when the missing name appears in the source and the source does
 * not declare it (else the cause is elsewhere, and the error is left as it is).
 */
export function explainInline(err: unknown, source: string | null | undefined): unknown {
  if (typeof source !== 'string' || !(err instanceof ReferenceError)) return err;
  const id = /^([\w$]+) is not defined$/.exec(err.message)?.[1];
  if (!id || !new RegExp(`(?<![\\w$.])${id.replace(/\$/g, '\\$')}(?![\\w$])`).test(source) || declares(source, id)) return err;
  if (/^__[a-zA-Z]+$/.test(id)) {
    err.message = `${err.message}: \`${id}\` is a helper that the TypeScript loader (tsx/esbuild) wrote into the inline task's source, and the worker that rebuilds it from its source has no such helper; export the function from a module and use tasks()`;
  } else {
    err.message = `${err.message}: an inline task runs in a worker from its source alone, so it cannot use \`${id}\` or any other variable from outside its own body; pass them as arguments, or export the function from a module and use tasks()`;
  }
  return err;
}
