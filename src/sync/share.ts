// How a primitive crosses to another thread. A primitive keeps everything it shares in
// one own field, SHARED: a plain object of typed-array views on SharedArrayBuffers,
// numbers and strings, tagged with the primitive's type. postMessage, workerData and
// structuredClone copy exactly that field (the views keep their shared memory), and
// revive() puts the prototype back. share() turns primitives into that plain form.

/** The one own field of a shared primitive. */
export const SHARED = '__ranks__';

/** The shared part of a primitive: its type and its views on shared memory. */
export interface SharedState {
  readonly type: string;
}

/** What a primitive looks like after `share()`, `postMessage` or `structuredClone`. */
export interface SharedDescriptor {
  readonly [SHARED]: SharedState;
}

const prototypes = new Map<string, object>();

/** Makes `revive` rebuild `{ __ranks__: { type } }` with `ctor`'s prototype. */
export function registerShared(type: string, ctor: { prototype: object }): void {
  prototypes.set(type, ctor.prototype);
}

function stateOf(value: unknown): SharedState | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const state = (value as Partial<SharedDescriptor>)[SHARED];
  if (typeof state !== 'object' || state === null || typeof state.type !== 'string' || !prototypes.has(state.type)) return undefined;
  return state;
}

/** A primitive of the given state's type, sharing its memory. */
export function fromState<T>(state: SharedState): T {
  const proto = prototypes.get(state.type);
  if (!proto) throw new TypeError(`Unknown shared primitive type ${state.type}`);
  const obj = Object.create(proto) as Record<string, unknown>;
  obj[SHARED] = state;
  return obj as T;
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Turns every ranks primitive (Lock, Queue, Value, ...) found in `value` — at the top, or
 * inside arrays and plain objects — into its plain shared form, ready for `postMessage` or
 * `workerData`. Containers on the way are copied; the rest is returned as is.
 *
 * @example
 * const lock = new Lock();
 * new Worker(url, { workerData: share({ lock, n: 4 }) });
 * // in the worker: const { lock } = revive(workerData);
 */
export function share<T>(value: T): T {
  return walk(value, (state) => ({ [SHARED]: state }), false, new Map()) as T;
}

/**
 * Rebuilds the ranks primitives found in a value received from another thread (the
 * result of `share()`, or a primitive sent as is with `postMessage`), at the top or inside
 * arrays and plain objects. Containers are updated in place; the value is returned.
 *
 * @example
 * import { workerData } from 'node:worker_threads';
 * const { lock, queue } = revive(workerData) as { lock: Lock; queue: Queue<number> };
 * await lock.acquire();
 */
export function revive<T = unknown>(value: unknown): T {
  return walk(value, (state) => fromState(state), true, new Map()) as T;
}

function walk(value: unknown, convert: (state: SharedState) => unknown, inPlace: boolean, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const state = stateOf(value);
  if (state) return convert(state);
  if (seen.has(value)) return seen.get(value);
  if (Array.isArray(value)) {
    let out: unknown[] = value;
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = walk(item, convert, inPlace, seen);
      if (next === item) continue;
      if (out === value && !inPlace) seen.set(value, (out = value.slice()));
      out[i] = next;
    }
    return out;
  }
  if (!isPlain(value)) return value;
  let out = value as Record<string, unknown>;
  seen.set(value, out);
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const next = walk(item, convert, inPlace, seen);
    if (next === item) continue;
    if (out === value && !inPlace) seen.set(value, (out = { ...out }));
    out[key] = next;
  }
  return out;
}

/**
 * True when `value` holds shared memory — a ranks primitive, a SharedArrayBuffer or a view
 * on one — at the top or inside arrays and plain objects: such values must cross by
 * postMessage to stay shared (a serializer would copy them).
 */
export function holdsShared(value: unknown, depth = 0): boolean {
  // The same walk as findShared without a path per element or a set of seen objects: a
  // pool asks it of every chunk it sends, and most arguments are numbers and strings.
  // Deep down (a cycle, maybe) findShared takes over, which keeps track of what it saw.
  if (typeof value !== 'object' || value === null) return false;
  if (depth > 16) return findShared(value) !== undefined;
  if (value instanceof SharedArrayBuffer) return true;
  if (ArrayBuffer.isView(value)) return value.buffer instanceof SharedArrayBuffer;
  if (stateOf(value)) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (holdsShared(value[i], depth + 1)) return true;
    return false;
  }
  if (!isPlain(value)) return false;
  for (const key of Object.keys(value)) if (holdsShared((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/** Where `value` holds shared memory first (`value.lock`), and what it is (`a Lock`); see holdsShared. */
export function findShared(value: unknown, path = 'value', seen = new Set<object>()): { path: string; what: string } | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (value instanceof SharedArrayBuffer) return { path, what: 'a SharedArrayBuffer' };
  if (ArrayBuffer.isView(value))
    return value.buffer instanceof SharedArrayBuffer ? { path, what: `a ${value.constructor.name} on a SharedArrayBuffer` } : undefined;
  const state = stateOf(value);
  if (state) return { path, what: `a ${state.type}` };
  if (seen.has(value)) return undefined;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findShared(value[i], `${path}[${i}]`, seen);
      if (hit) return hit;
    }
    return undefined;
  }
  if (!isPlain(value)) return undefined;
  for (const key of Object.keys(value)) {
    const hit = findShared(
      (value as Record<string, unknown>)[key],
      /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`,
      seen,
    );
    if (hit) return hit;
  }
  return undefined;
}
