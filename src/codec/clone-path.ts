// Only runs after V8 refused a value: walks it to name the first part that cannot be
// serialized, so the error says `value.handlers[2]` instead of V8's bare message.

const refused: [new (...a: never[]) => object, string][] = [
  [WeakMap, 'a WeakMap'],
  [WeakSet, 'a WeakSet'],
  [WeakRef, 'a WeakRef'],
  [Promise, 'a Promise'],
  [SharedArrayBuffer, 'a SharedArrayBuffer inside an object'],
];

export function findUnclonable(value: unknown, path = 'value', seen = new Set<unknown>()): { path: string; what: string } | undefined {
  if (typeof value === 'function') return { path, what: `a function (${value.name || 'anonymous'})` };
  if (typeof value === 'symbol') return { path, what: `a symbol (${String(value)})` };
  if (typeof value !== 'object' || value === null || seen.has(value)) return undefined;
  seen.add(value);
  for (const [ctor, what] of refused) if (value instanceof ctor) return { path, what };
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || value instanceof Date || value instanceof RegExp) return undefined;
  if (value instanceof Map) {
    let i = 0;
    for (const [k, v] of value) {
      const hit = findUnclonable(k, `${path}.<key ${i}>`, seen) ?? findUnclonable(v, `${path}.get(${describeKey(k)})`, seen);
      if (hit) return hit;
      i++;
    }
    return undefined;
  }
  if (value instanceof Set) {
    let i = 0;
    for (const v of value) {
      const hit = findUnclonable(v, `${path}.<item ${i++}>`, seen);
      if (hit) return hit;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    const sub =
      Array.isArray(value) && /^\d+$/.test(key) ? `${path}[${key}]` : /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
    const hit = findUnclonable((value as Record<string, unknown>)[key], sub, seen);
    if (hit) return hit;
  }
  return undefined;
}

function describeKey(k: unknown): string {
  return typeof k === 'string' ? JSON.stringify(k) : typeof k === 'object' ? typeof k : String(k);
}
