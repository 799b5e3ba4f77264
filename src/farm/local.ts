// farm's other way to run jobs: spawned from this thread, `jobs` at a time, with no pool.
// Forking is cheaper from a process whose other threads are idle, so for many tiny jobs
// this is faster than spawning from pool workers (see bench/README.md, the farm family).

/**
 * `run` over `items`, at most `jobs` calls in flight; yields each result as it comes.
 *
 * @example
 * for await (const out of unorderedLocal(runner.run, specs(), 4)) log(out);
 */
export async function* unorderedLocal<T, R>(run: (item: T) => Promise<R>, items: AsyncIterable<T>, jobs: number): AsyncGenerator<R, void, undefined> {
  const it = items[Symbol.asyncIterator]();
  const ready: (() => R)[] = [];
  let active = 0;
  let exhausted = false;
  let wake: (() => void) | undefined;
  const settle = (get: () => R): void => {
    active--;
    ready.push(get);
    wake?.();
  };
  try {
    for (;;) {
      while (!exhausted && active < jobs) {
        const next = await it.next();
        if (next.done) exhausted = true;
        else {
          active++;
          run(next.value).then(
            (r) => settle(() => r),
            (e: unknown) =>
              settle(() => {
                throw e;
              }),
          );
        }
      }
      if (ready.length === 0 && active === 0) return;
      if (ready.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      yield ready.shift()!();
    }
  } finally {
    if (!exhausted) await it.return?.();
  }
}
