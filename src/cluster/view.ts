import { ArgumentRangeError, InvalidArgumentError } from '../errors.ts';
import { toTask, type Task } from '../pool/tasks.ts';
import type { Cluster } from './cluster.ts';
import { partition, concat } from './partition.ts';
import type { EngineResult, OutputListener } from './requests.ts';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(['comm', 'rank', 'size', 'console', 'globalThis']);

/** The engines a view names, checked: `undefined` is every engine, a number one engine. */
export function checkTargets(targets: readonly number[] | number | undefined, size: number): number[] {
  if (targets === undefined) return Array.from({ length: size }, (_, i) => i);
  const list = typeof targets === 'number' ? [targets] : targets;
  if (!Array.isArray(list) || list.length === 0)
    throw new InvalidArgumentError(`Expected \`targets\` to be an engine or a non-empty array of engines, got ${describeValue(targets)}`);
  for (const t of list) {
    if (!Number.isInteger(t) || t < 0 || t >= size)
      throw new ArgumentRangeError(`Expected \`targets\` to hold engines 0..${size - 1}, got ${String(t)} (${typeof t})`);
  }
  if (new Set(list).size !== list.length) throw new InvalidArgumentError(`Expected \`targets\` to name each engine once, got [${list.join(', ')}]`);
  return [...list];
}

function describeValue(v: unknown): string {
  return Array.isArray(v) ? `[${v.join(', ')}]` : `${String(v)} (${typeof v})`;
}

function checkName(name: unknown, what: string): string {
  if (typeof name !== 'string' || !IDENTIFIER.test(name))
    throw new InvalidArgumentError(`Expected \`${what}\` to be a variable name (an identifier), got ${describeValue(name)}`);
  if (RESERVED.has(name)) throw new InvalidArgumentError(`\`${name}\` is the engine's own and cannot be replaced`);
  return name;
}

/** The value of each result, or the first engine's error (with `engine` saying which). */
function values<T>(results: EngineResult[]): T[] {
  const failed = results.find((r) => !r.ok);
  if (failed) throw failed.error!;
  return results.map((r) => r.value as T);
}

/** Options of `execute()`. */
export interface ExecuteOptions {
  /** Called with each piece of output as it arrives, before execute resolves. */
  onOutput?: OutputListener;
}

/**
 * Some engines of a cluster (IPython's DirectView): every call runs on each of them, and
 * resolves with one answer per engine, in the order of `targets`.
 *
 * @example
 * const v = cluster.view();
 * await v.push({ a: 1 });
 * await v.execute('b = a + rank');
 * console.log(await v.pull('b')); // [1, 2, 3, 4]
 */
export class DirectView {
  /** @internal */
  constructor(
    private readonly cluster: Cluster,
    /** The engines this view runs on, in order. */
    readonly targets: readonly number[],
  ) {}

  /**
   * Runs `code` on each engine: JavaScript with top-level await, `comm` (the engines'
   * world), `rank` and `size` defined. Top-level declarations (`const x = 1`, functions,
   * classes) become variables of the engine, seen by later calls. Never rejects for what
   * the code does: each engine's result says whether it ended with a value or an error,
   * and holds what it printed.
   *
   * @example
   * const results = await cluster.view().execute('console.log(rank); rank * 2');
   * for (const r of results) console.log(r.engine, r.stdout, r.value, r.error?.message);
   */
  execute(code: string, options: ExecuteOptions = {}): Promise<EngineResult[]> {
    if (typeof code !== 'string') return Promise.reject(new InvalidArgumentError(`Expected \`code\` to be a string, got ${describeValue(code)}`));
    return this.cluster.run(this.targets, { op: 'execute', code }, options.onOutput);
  }

  /**
   * Calls `fn` with `args` on each engine; resolves with each engine's result. `fn` is a
   * self-contained function (sent as source and run in the engine's scope, so it sees the
   * engine's variables, `comm` and `rank`) or a task reference from `tasks()`. Rejects with
   * the first failing engine's error (its `engine` says which).
   *
   * @example
   * const ranks = await cluster.view().apply(() => comm.rank);
   */
  async apply<A extends unknown[], R>(fn: ((...args: A) => R) | Task<A, R>, ...args: A): Promise<Awaited<R>[]> {
    const task = toTask(fn);
    return values(await this.cluster.run(this.targets, { op: 'apply', module: task.module ?? null, name: task.name, args }));
  }

  /**
   * Sets variables on each engine.
   *
   * @example
   * await cluster.view().push({ a: [1, 2, 3], scale: 2 });
   */
  async push(values_: Record<string, unknown>): Promise<void> {
    if (typeof values_ !== 'object' || values_ === null || Array.isArray(values_))
      throw new InvalidArgumentError(`Expected \`values\` to be an object of variables, got ${describeValue(values_)}`);
    for (const name of Object.keys(values_)) checkName(name, 'values');
    values(await this.cluster.run(this.targets, { op: 'push', values: values_ }));
  }

  /**
   * Reads a variable (or several) on each engine: `pull('a')` resolves with one value per
   * engine, `pull(['a', 'b'])` with one `[a, b]` per engine. A variable an engine lacks
   * rejects with InvalidArgumentError (`ERR_INVALID_ARG`).
   *
   * @example
   * const [a0, a1] = await cluster.view([0, 1]).pull('a');
   */
  pull<T = unknown>(name: string): Promise<T[]>;
  pull<T extends unknown[] = unknown[]>(names: readonly string[]): Promise<T[]>;
  async pull(names: string | readonly string[]): Promise<unknown[]> {
    const list = typeof names === 'string' ? [names] : names;
    if (!Array.isArray(list)) throw new InvalidArgumentError(`Expected \`names\` to be a variable name or an array of them, got ${describeValue(names)}`);
    for (const n of list) checkName(n, 'names');
    const got = values<unknown[]>(await this.cluster.run(this.targets, { op: 'pull', names: [...list] }));
    return typeof names === 'string' ? got.map((g) => g[0]) : got;
  }

  /**
   * Splits `data` (an array or typed array) into contiguous parts, one per engine in
   * target order (the first `length % engines` parts one longer, as IPython does), and
   * sets `name` to its part on each engine.
   *
   * @example
   * await cluster.view().scatter('x', Float64Array.from({ length: 100 }, (_, i) => i));
   */
  async scatter(name: string, data: ArrayLike<unknown>): Promise<void> {
    checkName(name, 'name');
    const parts = partition(data, this.targets.length);
    values(await this.cluster.run(this.targets, (_engine, i) => ({ op: 'push', values: { [name]: parts[i] } })));
  }

  /**
   * Reads `name` on each engine and joins the parts in target order: arrays into one
   * array, typed arrays into one typed array of their type.
   *
   * @example
   * const x = await cluster.view().gather('x');
   */
  async gather<T = unknown>(name: string): Promise<T> {
    return concat(await this.pull(name)) as T;
  }
}
