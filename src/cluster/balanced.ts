import { InvalidArgumentError } from '../errors.ts';
import { toTask, type Task } from '../pool/tasks.ts';
import type { Cluster } from './cluster.ts';

/**
 * Engines that take calls one at a time, each going to the next free engine (IPython's
 * LoadBalancedView). A call runs in the engine's scope, as DirectView.apply's do.
 *
 * @example
 * const squares = await cluster.loadBalanced().map((x: number) => x * x, [1, 2, 3, 4]);
 */
export class LoadBalancedView {
  /** @internal */
  constructor(
    private readonly cluster: Cluster,
    /** The engines calls may go to. */
    readonly targets: readonly number[],
  ) {}

  /**
   * Calls `fn` on each item, on whichever engine is free; resolves with the results in the
   * items' order. Rejects with the first error (its `engine` says where); calls not yet
   * sent then are not sent.
   *
   * @example
   * await cluster.loadBalanced().map(tasks<typeof import('./math.ts')>(new URL('./math.js', import.meta.url)).square, [1, 2]);
   */
  async map<T, R>(fn: ((item: T) => R) | Task<[T], R>, items: Iterable<T>): Promise<Awaited<R>[]> {
    const task = toTask(fn);
    if (items === null || typeof (items as Partial<Iterable<T>>)?.[Symbol.iterator] !== 'function')
      throw new InvalidArgumentError(`Expected \`items\` to be iterable, got ${items === null ? 'null' : typeof items}`);
    const list = [...items];
    const results: Awaited<R>[] = new Array<Awaited<R>>(list.length);
    let next = 0;
    let failure: Error | undefined;
    // One loop per engine: each takes the next item as soon as its previous call is done.
    const worker = async (engine: number): Promise<void> => {
      while (next < list.length && !failure) {
        const i = next++;
        const [r] = await this.cluster.run([engine], { op: 'apply', module: task.module ?? null, name: task.name, args: [list[i]] });
        if (!r!.ok) failure ??= r!.error;
        else results[i] = r!.value as Awaited<R>;
      }
    };
    await Promise.all(this.targets.map(worker));
    if (failure) throw failure;
    return results;
  }

  /**
   * Calls `fn(...args)` once, on a free engine (the least busy one).
   *
   * @example
   * const r = await cluster.loadBalanced().apply((a: number, b: number) => a + b, 1, 2);
   */
  async apply<A extends unknown[], R>(fn: ((...args: A) => R) | Task<A, R>, ...args: A): Promise<Awaited<R>> {
    const task = toTask(fn);
    const states = this.cluster.engines();
    const engine = [...this.targets].sort((a, b) => load(states[a]) - load(states[b]))[0]!;
    const [r] = await this.cluster.run([engine], { op: 'apply', module: task.module ?? null, name: task.name, args });
    if (!r!.ok) throw r!.error!;
    return r!.value as Awaited<R>;
  }
}

function load(s: { busy: boolean; queued: number; alive: boolean } | undefined): number {
  if (!s?.alive) return Infinity;
  return (s.busy ? 1 : 0) + s.queued;
}
