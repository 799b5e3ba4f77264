import type { Future } from './future.ts';
import type { Bar } from './progress.ts';
import type { Scheduler, StopOptions } from './scheduler.ts';
import type { Task } from './tasks.ts';

export interface StreamOptions {
  chunksize: number;
  /** Calls in flight or finished but not yet yielded, at most. */
  window: number;
  ordered: boolean;
  stop: StopOptions | undefined;
  /** A progress bar of the calls: done of submitted, with a '+' while the input goes on. */
  bar?: Bar | undefined;
}

type Source<T> = { next(): IteratorResult<T> | Promise<IteratorResult<T>>; return?(): unknown };

function iterate<T>(items: Iterable<T> | AsyncIterable<T>): Source<T> {
  if (Symbol.asyncIterator in items) return items[Symbol.asyncIterator]();
  return items[Symbol.iterator]();
}

const INPUT = Symbol('input');

/** The input's next item, or what it threw (sync or async) as `{ error }`. */
async function next<T>(source: Source<T>): Promise<IteratorResult<T> | { error: unknown }> {
  try {
    return await source.next();
  } catch (error) {
    return { error };
  }
}

/**
 * Streams `task` over `items` (an iterable or async iterable, possibly endless): reads
 * ahead at most `window` calls, submits them in chunks, and yields results in input order
 * or as they finish. A result is yielded as soon as it may be, even while the input is
 * slow to give its next item. A failed call throws at its place in the stream; an input
 * that throws has every call read before the failing item run and yielded, then its error
 * thrown; leaving the loop early cancels what was read ahead and closes the input.
 */
export async function* stream<R>(
  scheduler: Scheduler,
  task: Task,
  items: Iterable<unknown> | AsyncIterable<unknown>,
  spread: boolean,
  options: StreamOptions,
): AsyncGenerator<R, void, undefined> {
  const source = iterate(items);
  const inFlight: Future<R>[] = [];
  const finished: Future<R>[] = [];
  let calls: unknown[][] = [];
  let wake: (() => void) | undefined;
  let exhausted = false;
  /** The input threw (or rejected): raised once every call submitted before it is yielded. */
  let failure: { error: unknown } | undefined;
  let reading: Promise<IteratorResult<unknown> | { error: unknown }> | undefined;
  let submitted = 0;
  let settled = 0;
  const bar = options.bar;
  const submit = (): void => {
    submitted += calls.length;
    bar?.update(settled, submitted, !exhausted);
    for (const f of scheduler.submit<R>(task, calls, options.chunksize, options.stop)) {
      inFlight.push(f);
      f.addDoneCallback(() => {
        bar?.update(++settled, submitted, !exhausted);
        if (!options.ordered) {
          inFlight.splice(inFlight.indexOf(f), 1);
          finished.push(f);
        }
        wake?.();
      });
    }
    calls = [];
  };
  try {
    for (;;) {
      // Everything that may be yielded now, first.
      if (options.ordered) {
        while (inFlight[0]?.done()) yield await inFlight.shift()!.result();
      } else {
        while (finished.length > 0) yield await finished.shift()!.result();
      }
      if (exhausted && inFlight.length === 0 && finished.length === 0) {
        if (failure) throw failure.error;
        return;
      }
      if (!exhausted && !reading && inFlight.length + finished.length + calls.length < options.window) {
        reading = next(source);
      }
      // Then wait for the next input item or the next finished call, whichever is first.
      const woken = new Promise<void>((resolve) => (wake = resolve));
      const got = await (reading ? Promise.race([reading.then((r) => [INPUT, r] as const), woken]) : woken);
      wake = undefined;
      if (!got) continue;
      reading = undefined;
      const item = got[1];
      if ('error' in item) {
        // Like CPython's imap: what was read before the failing item still runs and is
        // yielded; the input's error comes after it. An input that threw is done.
        failure = item;
        exhausted = true;
      } else if (item.done) exhausted = true;
      else calls.push(spread ? [...(item.value as unknown[])] : [item.value]);
      if (calls.length === options.chunksize || (exhausted && calls.length > 0)) submit();
      else if (exhausted) bar?.update(settled, submitted, false); // the input's end, with nothing left to submit: the total is known
    }
  } finally {
    bar?.stop();
    for (const f of inFlight) f.cancel();
    if (!exhausted) await source.return?.();
  }
}
