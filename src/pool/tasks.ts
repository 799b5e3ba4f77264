import { InvalidArgumentError } from '../errors.ts';
import { resolveTaskModule } from './resolve.ts';

/**
 * A reference to a task function that workers can load: an export of a module, or a
 * self-contained inline function. `A` and `R` are its argument and (awaited) result types.
 */
export interface Task<A extends unknown[] = unknown[], R = unknown> {
  /** The module's URL, or `undefined` for an inline function. */
  readonly module: string | undefined;
  /** The export's name, or the inline function's source. */
  readonly name: string;
  /** Types only (the function's signature), never set. */
  readonly __signature?: (...args: A) => R;
}

type AnyFn = (...args: never[]) => unknown;

/** The typed task references of a module's function exports. */
export type Tasks<M> = {
  readonly [K in keyof M as M[K] extends AnyFn ? K : never]: M[K] extends (...args: infer A) => infer R ? Task<A, Awaited<R>> : never;
};

/** The argument types of a task or function. */
export type TaskArgs<F> = F extends { readonly __signature?: (...args: infer A) => unknown } ? A : F extends (...args: infer A) => unknown ? A : never;
/** The (awaited) result type of a task or function. */
export type TaskResult<F> = F extends { readonly __signature?: (...args: never[]) => infer R }
  ? R
  : F extends (...args: never[]) => infer R
    ? Awaited<R>
    : never;

const cache = new Map<string, Task>();

/**
 * Typed references to the exported functions of a module, for pools and executors:
 * workers import the module and call the export by name.
 *
 * Spell the module as TypeScript's `nodenext` resolution does, with `.js`: the same line
 * then works under tsx (where only `math.ts` exists, which workers load through tsx) and
 * after `tsc` (where `math.js` sits beside the compiled caller). Likewise a `.ts` URL whose
 * file is missing loads the compiled `.js` beside it (`.mjs`/`.mts`, `.cjs`/`.cts` too).
 * Throws `InvalidArgumentError` (`ERR_INVALID_ARG`) naming the paths tried when no file exists.
 *
 * @example
 * const math = tasks<typeof import('./math.js')>(new URL('./math.js', import.meta.url));
 * await pool.map(math.square, [1, 2, 3]); // number[]
 */
export function tasks<M>(module: URL | string): Tasks<M> {
  let href: string;
  try {
    href = new URL(String(module)).href;
  } catch {
    throw new InvalidArgumentError(`Expected \`module\` to be a URL (e.g. new URL('./tasks.js', import.meta.url)), got ${JSON.stringify(String(module))}`);
  }
  const url = resolveTaskModule(href);
  // This module's references by name: `math.add` in a hot loop costs one lookup.
  const own = new Map<string, Task>();
  return new Proxy({} as Tasks<M>, {
    get(_, name) {
      if (typeof name !== 'string' || name === 'then' || name === '') return undefined;
      let t = own.get(name);
      if (t) return t;
      const key = `${url}#${name}`;
      t = cache.get(key);
      if (!t) cache.set(key, (t = Object.freeze({ module: url, name })));
      own.set(name, t);
      return t;
    },
  });
}

const NATIVE = /\{\s*\[native code\]\s*\}\s*$/;

/**
 * The task for `fn`: a Task as it is, or an inline function by its source. Inline
 * functions run in workers from their source alone, so they must not use variables from
 * outside their own body (the worker reports the first one it meets).
 *
 * @example
 * toTask((x: number) => x * x); // { module: undefined, name: '(x) => x * x' }
 */
export function toTask(fn: unknown): Task {
  if (isTask(fn)) return fn;
  if (typeof fn !== 'function')
    throw new InvalidArgumentError(`Expected a task (from tasks()) or a self-contained function, got ${fn === null ? 'null' : typeof fn}`);
  const source = Function.prototype.toString.call(fn);
  if (NATIVE.test(source))
    throw new InvalidArgumentError(
      `${fn.name || 'This function'} is built in or bound, so workers cannot rebuild it from its source; wrap it in an inline function or export it from a module and use tasks()`,
    );
  if (/^class\b/.test(source)) throw new InvalidArgumentError('A class is not a task; pass a function');
  // Method shorthand (`square(x) { ... }`) is not an expression: make it one.
  const expr = /^(async\s+)?(function\b|\(|[A-Za-z_$][\w$]*\s*=>|async\s*\()/.test(source) ? source : `({ ${source} })[${JSON.stringify(fn.name)}]`;
  return Object.freeze({ module: undefined, name: expr });
}

export function isTask(value: unknown): value is Task {
  return typeof value === 'object' && value !== null && 'name' in value && 'module' in value && typeof (value as Task).name === 'string';
}
