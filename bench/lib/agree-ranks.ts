// The cost of the collectives' agreement step: median µs of an 8-byte allreduce
// (Float64Array(1), SUM, into a preallocated array), an allreduce of a number, and a
// barrier. Run by agree.ts as `ranks run -n N lib/agree-ranks.ts <iters> <repeats>`, once
// with the agreement (the default) and once with RANKS_CHECK_COLLECTIVES=0; rank 0
// prints one JSON line.
import { MAX, SUM, world, wtime } from 'ranks';

const comm = world();
const iters = Number(process.argv[2] ?? 2000);
const repeats = Number(process.argv[3] ?? 7);
const one = new Float64Array([comm.rank]);
const out = new Float64Array(1);

const ops: [string, () => Promise<unknown>][] = [
  ['allreduce(Float64Array(1), SUM, { into })', () => comm.allreduce(one, SUM, { into: out })],
  ['allreduce(number, SUM)', () => comm.allreduce(comm.rank, SUM)],
  ['barrier()', () => comm.barrier()],
];

const result: Record<string, number[]> = {};
for (const [name, op] of ops) {
  for (let i = 0; i < iters; i++) await op(); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < repeats; r++) {
    await comm.barrier();
    const t0 = wtime();
    for (let i = 0; i < iters; i++) await op();
    // The slowest rank's time: the operation is done when it is done everywhere.
    samples.push(((await comm.allreduce(wtime() - t0, MAX)) / iters) * 1e6);
  }
  result[name] = samples.sort((a, b) => a - b);
}
if (comm.rank === 0) console.log(JSON.stringify(result));
