// What `hold()` returns: a release that runs once, for `using`.

/**
 * A lock, semaphore or condition held by `hold()`. `release()` (or leaving a `using`
 * block) gives it back; a second release does nothing.
 *
 * @example
 * {
 *   using held = await lock.hold();
 *   counter.value += 1;
 * } // released here
 */
export class Held implements Disposable {
  #release: (() => void) | undefined;
  constructor(release: () => void) {
    this.#release = release;
  }
  /** Gives the lock back (once). */
  release(): void {
    const r = this.#release;
    this.#release = undefined;
    r?.();
  }
  [Symbol.dispose](): void {
    this.release();
  }
}
