// The payloads of the objects family, built the same way in objects.py.

/** The cases, in the order they are measured. */
export const CASES = ['record', 'records', 'numbers', 'string'] as const;
export type CaseName = (typeof CASES)[number];

/** Number of records in the `records` case, numbers in the `numbers` case, bytes in the `string` case. */
export const RECORDS = 100_000;
export const NUMBERS = 10_000_000;
export const STRING_BYTES = 1 << 20;

/** A fresh payload of the case. */
export function makeValue(name: CaseName): unknown {
  switch (name) {
    case 'record':
      return { id: 7, name: 'alice', tags: ['red', 'green', 'blue'] };
    case 'records':
      return Array.from({ length: RECORDS }, (_, i) => ({ id: i, name: `name${i}`, tags: ['a', `b${i}`, 'c'] }));
    case 'numbers':
      return Array.from({ length: NUMBERS }, (_, i) => i * 0.5 + 0.1);
    case 'string':
      return 'lorem ipsum dolor sit amet, '.repeat(Math.ceil(STRING_BYTES / 28)).slice(0, STRING_BYTES);
  }
}

/** Throws when a received payload is not what was sent (spot checks). */
export function checkValue(name: CaseName, v: unknown): void {
  const fail = (why: string): never => {
    throw new Error(`objects bench: ${name} arrived wrong: ${why}`);
  };
  if (name === 'record') {
    const r = v as { id: number; name: string; tags: string[] };
    if (r.id !== 7 || r.name !== 'alice' || r.tags.join() !== 'red,green,blue') fail(JSON.stringify(v));
  } else if (name === 'records') {
    const a = v as { id: number; name: string; tags: string[] }[];
    const last = a[RECORDS - 1];
    if (a.length !== RECORDS || last?.name !== `name${RECORDS - 1}` || last.tags[1] !== `b${RECORDS - 1}`) fail('length or last record');
  } else if (name === 'numbers') {
    const a = v as number[];
    if (!Array.isArray(a) || a.length !== NUMBERS || a[NUMBERS - 1] !== (NUMBERS - 1) * 0.5 + 0.1) fail('length or last number');
  } else if (typeof v !== 'string' || v.length !== STRING_BYTES || !v.startsWith('lorem ipsum')) fail('length');
}
