// A task farm over the ranks of a job (mpi4py.futures' MPICommExecutor): rank 0 hands out
// blocks of numbers, every other rank counts the primes in the blocks it is given. The
// same file runs on one machine and across a cluster's nodes:
//
//   npx ranks run -n 4 examples/pool-over-ranks.ts
//   mpiexec -n 64 npx ranks run examples/pool-over-ranks.ts 100000000
import { asCompleted, Executor, tasks, world } from 'ranks';

const work = tasks<typeof import('./primes.ts')>(new URL('./primes.ts', import.meta.url));
const limit = Number(process.argv[2] ?? 2_000_000);
const blocks = 32;

// Every rank calls onComm; rank 0 gets the executor at once, the others serve its tasks
// until it shuts down, and then get null.
const ex = await Executor.onComm(world());
if (ex) {
  const step = Math.ceil(limit / blocks);
  const futures = [];
  for (let from = 0; from < limit; from += step) futures.push(ex.submit(work.countPrimes, from, Math.min(limit, from + step)));
  let total = 0;
  const byRank = new Map<number, number>();
  for await (const f of asCompleted(futures)) {
    const { count, rank } = await f.result();
    total += count;
    byRank.set(rank, (byRank.get(rank) ?? 0) + 1);
  }
  await ex.shutdown();
  const ranks = [...byRank].sort(([a], [b]) => a - b).map(([r, n]) => `${r} (${n} blocks)`);
  console.log(`${total} primes below ${limit}, counted by ranks ${ranks.join(', ')}`);
}
