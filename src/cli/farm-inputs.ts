// The jobs of `ranks farm`: every combination of its input sources, in GNU parallel's
// order (the last source varies fastest: ::: a b ::: x y gives a x, a y, b x, b y).
import { fileRecords } from '../farm/inputs.ts';
import type { Source } from './farm-args.ts';

async function collect(records: AsyncIterable<string>): Promise<string[]> {
  const all: string[] = [];
  for await (const r of records) all.push(r);
  return all;
}

/** Every combination of `tails`' values, the last varying fastest. */
function* product(tails: string[][], prefix: string[] = []): Generator<string[]> {
  if (prefix.length === tails.length) {
    yield prefix;
    return;
  }
  for (const v of tails[prefix.length]!) yield* product(tails, [...prefix, v]);
}

/**
 * The job arguments of `sources`. The first source is read as the jobs go (stdin may be
 * endless); the others are read whole first, as each of their values pairs with every
 * value of the sources before them.
 */
export async function* combinations(sources: Source[], separator: string): AsyncGenerator<string[], void, undefined> {
  const [first, ...others] = sources;
  const tails: string[][] = [];
  for (const s of others) tails.push(s.kind === 'args' ? s.values : await collect(fileRecords(s.path, separator)));
  if (tails.some((t) => t.length === 0)) return;
  const heads = first!.kind === 'args' ? first!.values : fileRecords(first!.path, separator);
  for await (const head of heads) for (const tail of product(tails)) yield [head, ...tail];
}

/** The number of jobs when every source is on the command line, else undefined. */
export function countJobs(sources: Source[]): number | undefined {
  let n = 1;
  for (const s of sources) {
    if (s.kind !== 'args') return undefined;
    n *= s.values.length;
  }
  return n;
}

/** Job `job`'s arguments (1-based) when every source is on the command line. */
export function jobArgs(sources: Source[], job: number): string[] {
  const args: string[] = [];
  let i = job - 1;
  for (let s = sources.length - 1; s >= 0; s--) {
    const values = (sources[s] as { values: string[] }).values;
    args.unshift(values[i % values.length]!);
    i = Math.floor(i / values.length);
  }
  return args;
}
