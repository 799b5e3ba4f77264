// `.on 0,2 CODE`: which ranks an input runs on.
import { InvalidArgumentError } from '../errors.ts';

/**
 * Reads a rank list: `0,2`, `1-3`, `0,2-3` or `all`/`*`; throws ERR_INVALID_ARG for a word
 * that is not a rank of 0..size-1. The ranks come back sorted, each once.
 */
export function parseTargets(text: string, size: number): number[] {
  const t = text.trim();
  if (t === 'all' || t === '*') return Array.from({ length: size }, (_, i) => i);
  const ranks = new Set<number>();
  for (const word of t.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(word);
    const from = m ? Number(m[1]) : NaN;
    const to = m?.[2] === undefined ? from : Number(m[2]);
    if (!m || from >= size || to >= size || to < from) {
      throw new InvalidArgumentError(`Expected a rank list of 0..${size - 1} (like 0,2 or 1-3 or all), got ${JSON.stringify(word.trim())}`);
    }
    for (let r = from; r <= to; r++) ranks.add(r);
  }
  return [...ranks].sort((a, b) => a - b);
}

/** `[0, 1, 2, 5]` as `0-2,5`. */
export function formatTargets(ranks: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ranks.length;) {
    let j = i;
    while (j + 1 < ranks.length && ranks[j + 1] === ranks[j]! + 1) j++;
    parts.push(j === i ? `${ranks[i]}` : `${ranks[i]}-${ranks[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
