// How scatter cuts data and gather joins it: contiguous parts, the first `length % n`
// one element longer (IPython's and numpy.array_split's partition).
import { InvalidArgumentError } from '../errors.ts';

type Typed = Exclude<NodeJS.TypedArray, DataView>;

function isTyped(v: unknown): v is Typed {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** `data` cut into `n` contiguous parts (copies: each part travels on its own). */
export function partition(data: ArrayLike<unknown>, n: number): ArrayLike<unknown>[] {
  if (!Array.isArray(data) && !isTyped(data))
    throw new InvalidArgumentError(`Expected \`data\` to be an array or a typed array, got ${data === null ? 'null' : typeof data}`);
  const base = Math.floor(data.length / n);
  const extra = data.length % n;
  const parts: ArrayLike<unknown>[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    const len = base + (i < extra ? 1 : 0);
    parts.push((data as unknown[] | Typed).slice(at, at + len));
    at += len;
  }
  return parts;
}

/** The parts joined in order: arrays into an array, typed arrays of one type into one of that type. */
export function concat(parts: unknown[]): unknown[] | Typed {
  if (parts.every(Array.isArray)) return (parts as unknown[][]).flat(1);
  const first = parts[0];
  if (isTyped(first) && parts.every((p) => isTyped(p) && p.constructor === first.constructor)) {
    const total = (parts as Typed[]).reduce((k, p) => k + p.length, 0);
    const out = new (first.constructor as new (n: number) => Typed)(total);
    let at = 0;
    for (const p of parts as Typed[]) {
      (out as unknown as { set(a: ArrayLike<unknown>, o: number): void }).set(p as ArrayLike<unknown>, at);
      at += p.length;
    }
    return out;
  }
  throw new InvalidArgumentError('Expected every engine to hold an array, or typed arrays of one type, to gather');
}
