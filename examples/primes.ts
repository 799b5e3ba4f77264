// The task of pool-over-ranks.ts: it runs on the job's serving ranks, so it lives in a
// module that every rank can import (referenced with tasks()).
import { world } from 'ranks';

/** The primes in [from, to), and the rank of the job that counted them. */
export function countPrimes(from: number, to: number): { count: number; rank: number } {
  let count = 0;
  for (let n = Math.max(2, from); n < to; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return { count, rank: world().rank };
}
