import type { Future } from './future.ts';
import type { Scheduler, StopOptions } from './scheduler.ts';
import type { Task } from './tasks.ts';

export interface StreamOptions {
  chunksize: number;
  /** Calls in flight or finished but not yet yielded, at most. */
  window: number;
  ordered: boolean;
  stop: StopOptions | undefined;
}

type Source<T> = { next(): IteratorResult<T> | Promise<IteratorResult<T>>; return?(): unknown };

function iterate<T>(items: Iterable<T> | AsyncIterable<T>): Source<T> {
  if (Symbol.asyncIterator in items) return items[Symbol.asyncIterator]();
  return items[Symbol.iterator]();
}

/**
 * Streams `task` over `items` (an iterable or async iterable, possibly endless): reads
 * ahead at most `window` calls, submits them in chunks, and yields results in input order
 * or as they finish. A failed call throws at its place in the stream; leaving the loop
 * early cancels what was read ahead and closes the input.
 */
export async function* stream<R>(scheduler: Scheduler, task: Task, items: Iterable<unknown> | AsyncIterable<unknown>, spread: boolean, options: StreamOptions): AsyncGenerator<R, void, undefined> {
  const source = iterate(items);
  const inFlight: Future<R>[] = [];
  const finished: Future<R>[] = [];
  let wake: (() => void) | undefined;
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && inFlight.length + finished.length < options.window) {
        const calls: unknown[][] = [];
        while (calls.length < options.chunksize) {
          const next = await source.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          calls.push(spread ? [...(next.value as unknown[])] : [next.value]);
        }
        for (const f of scheduler.submit<R>(task, calls, options.chunksize, options.stop)) {
          inFlight.push(f);
          if (!options.ordered) {
            f.addDoneCallback(() => {
              inFlight.splice(inFlight.indexOf(f), 1);
              finished.push(f);
              wake?.();
            });
          }
        }
      }
      if (options.ordered) {
        const f = inFlight.shift();
        if (!f) return;
        yield await f.result();
      } else {
        if (finished.length === 0 && inFlight.length === 0) return;
        if (finished.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        yield await finished.shift()!.result();
      }
    }
  } finally {
    for (const f of inFlight) f.cancel();
    if (!exhausted) await source.return?.();
  }
}
