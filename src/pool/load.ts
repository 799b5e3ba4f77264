// How a worker turns a task reference into a function: an export of a module (loading
// tsx first for TypeScript modules), or an inline function rebuilt from its source.

export type Fn = (...args: unknown[]) => unknown;

const loaded = new Map<string, Fn>();
let tsx: Promise<unknown> | undefined;

/** The function behind a task reference: `module` is a URL, or null for inline source in `name`. */
export async function loadTask(module: string | null | undefined, name: string): Promise<Fn> {
  const key = `${module ?? ''}#${name}`;
  let fn = loaded.get(key);
  if (fn) return fn;
  if (module === null || module === undefined) {
    fn = new Function(`return (${name});`)() as Fn;
  } else {
    if (/\.[cm]?tsx?$/.test(module)) tsx ??= import('tsx/esm/api').then((m) => m.register());
    await tsx;
    const mod = (await import(module)) as Record<string, unknown>;
    const f = mod[name];
    if (typeof f !== 'function') throw new TypeError(`${module} has no exported function \`${name}\``);
    fn = f as Fn;
  }
  loaded.set(key, fn);
  return fn;
}

/**
 * An inline function that reads a variable from where it was written fails in a worker,
 * where only its source arrived: say so, and what to do instead.
 */
export function explainInline(err: unknown, inline: boolean): unknown {
  if (inline && err instanceof ReferenceError && /is not defined/.test(err.message)) {
    err.message = `${err.message}: an inline task runs in a worker from its source alone, so it cannot use variables from outside its own body; pass them as arguments, or export the function from a module and use tasks()`;
  }
  return err;
}
