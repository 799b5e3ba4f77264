import { ArgumentRangeError, InvalidArgumentError } from '../errors.ts';
import { checkArray, checkInteger } from '../validate.ts';

/**
 * Balanced grid dimensions for `nnodes` ranks (MPI_Dims_create): `dims` is a number of
 * dimensions, or an array whose zeros are filled in (non-zero entries are kept). Free
 * dimensions come out as close to each other as possible, largest first.
 *
 * @example
 * dimsCreate(12, 2); // [4, 3]
 * dimsCreate(12, [0, 2]); // [6, 2]
 */
export function dimsCreate(nnodes: number, dims: number | readonly number[]): number[] {
  checkInteger('nnodes', nnodes, { min: 1 });
  const out = typeof dims === 'number' ? new Array<number>(checkInteger('dims', dims, { min: 1 })).fill(0) : [...(checkArray('dims', dims) as number[])];
  out.forEach((d, i) => checkInteger(`dims[${i}]`, d, { min: 0 }));
  const fixed = out.reduce((a, d) => (d > 0 ? a * d : a), 1);
  if (nnodes % fixed !== 0) throw new InvalidArgumentError(`Cannot fill [${out.join(', ')}] for ${nnodes} ranks: ${nnodes} is not a multiple of ${fixed}`);
  const free = out.map((d, i) => (d === 0 ? i : -1)).filter((i) => i >= 0);
  const rest = nnodes / fixed;
  if (free.length === 0) {
    if (rest !== 1) throw new InvalidArgumentError(`[${out.join(', ')}] holds ${fixed} ranks, not ${nnodes}`);
    return out;
  }
  const sizes = balanced(rest, free.length);
  free.forEach((i, k) => (out[i] = sizes[k]!));
  return out;
}

/**
 * The factorization of `n` into `k` factors, largest first, with the smallest largest
 * factor, then the smallest spread (MPI's choice: 72 in 2 is [9, 8], 16 in 3 is [4, 2, 2]).
 */
function balanced(n: number, k: number): number[] {
  let best: number[] | undefined;
  const better = (a: number[], b: number[]): boolean => a[0]! < b[0]! || (a[0] === b[0] && a[0]! - a[a.length - 1]! < b[0]! - b[b.length - 1]!);
  const walk = (left: number, slots: number, max: number, acc: number[]): void => {
    if (slots === 1) {
      if (left <= max) {
        const cand = [...acc, left];
        if (!best || better(cand, best)) best = cand;
      }
      return;
    }
    // The largest factor of what is left is at least its slots-th root.
    for (let f = Math.min(max, left); f >= 1 && f ** slots >= left; f--) {
      if (left % f === 0) walk(left / f, slots - 1, f, [...acc, f]);
    }
  };
  walk(n, k, n, []);
  return best!;
}

/** Row-major rank of `coords` in a grid of `dims` (periodic dimensions wrap). */
export function cartRank(dims: readonly number[], periods: readonly boolean[], coords: readonly number[]): number {
  if (coords.length !== dims.length) throw new InvalidArgumentError(`Expected ${dims.length} coordinates, got ${coords.length}`);
  let rank = 0;
  for (let i = 0; i < dims.length; i++) {
    let c = coords[i]!;
    const d = dims[i]!;
    if (periods[i]) c = ((c % d) + d) % d;
    else if (!Number.isInteger(c) || c < 0 || c >= d) throw new ArgumentRangeError(`Coordinate ${c} is outside 0..${d - 1} in non-periodic dimension ${i}`);
    rank = rank * d + c;
  }
  return rank;
}

/** Row-major coordinates of `rank` in a grid of `dims`. */
export function cartCoords(dims: readonly number[], rank: number): number[] {
  const coords = new Array<number>(dims.length);
  for (let i = dims.length - 1; i >= 0; i--) {
    coords[i] = rank % dims[i]!;
    rank = Math.floor(rank / dims[i]!);
  }
  return coords;
}
