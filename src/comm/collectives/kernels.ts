// Element-wise reduction kernels made for one element type each. One generic loop over
// every kind of TypedArray is polymorphic (V8 then handles each element through a slower,
// type-dispatched path), and a loop of one element per step spends as much on its own
// bookkeeping as on the arithmetic: a loop compiled per (op, element type), eight
// elements per step, sums 10^6 float64 about twice as fast on one core. Where the runtime
// forbids compiling code from strings, the generic kernels stay in use.

/** out[i] = a[i] op b[i] for i in [from, to); `out` may be `a` or `b`. */
export type FastKernel = (out: unknown, a: unknown, b: unknown, from: number, to: number) => void;

const UNROLL = 8;
const made = new Map<string, FastKernel | null>();

/** The kernel computing `expr` (of `x`, from a, and `y`, from b) for arrays made by `ctor`; null where none can be made. */
export function fastKernel(expr: string, ctor: { name: string }): FastKernel | null {
  const key = `${ctor.name} ${expr}`;
  let k = made.get(key);
  if (k !== undefined) return k;
  const step = (at: string): string => `{ const x = a[${at}], y = b[${at}]; o[${at}] = ${expr}; }`;
  const unrolled = Array.from({ length: UNROLL }, (_, j) => step(`i + ${j}`)).join('\n    ');
  // The element type in the source keeps each compiled function (and what V8 learns about it) to one type.
  const body = `/* ${key} */
  let i = from;
  for (; i + ${UNROLL - 1} < to; i += ${UNROLL}) {
    ${unrolled}
  }
  for (; i < to; i++) ${step('i')}`;
  try {
    k = new Function('o', 'a', 'b', 'from', 'to', body) as FastKernel;
  } catch {
    k = null;
  }
  made.set(key, k);
  return k;
}
