// Promises made without a closure per promise: Node 20 has no Promise.withResolvers, and
// ranks makes one for every awaited operation and future, so one shared executor hands
// over the resolving functions.

let resolving: ((v: never) => void) | undefined;
let rejecting: ((e: unknown) => void) | undefined;

function capture(res: (v: never) => void, rej: (e: unknown) => void): void {
  resolving = res;
  rejecting = rej;
}

/** Where `settleable` puts a promise's resolving functions. */
export interface Settlers<T> {
  resolveWith: ((v: T) => void) | undefined;
  rejectWith: ((e: unknown) => void) | undefined;
}

/** A new pending promise; its resolving functions go to `into`. */
export function settleable<T>(into: Settlers<T>): Promise<T> {
  const promise = new Promise<T>(capture);
  into.resolveWith = resolving as (v: T) => void;
  into.rejectWith = rejecting;
  resolving = rejecting = undefined;
  return promise;
}
