import { AbortError } from '../errors.ts';

/** Fails the job with AbortError when `signal` aborts (at once if it already has), until `done` settles. */
export function stopOnAbort(signal: AbortSignal | undefined, done: Promise<unknown>, fail: (err: AbortError) => void): void {
  if (!signal) return;
  const onAbort = (): void => fail(new AbortError('Job', signal.reason));
  if (signal.aborted) return onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  void done.catch(() => {}).finally(() => signal.removeEventListener('abort', onAbort));
}
