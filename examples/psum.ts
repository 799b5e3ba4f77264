// Twin of the seeds' `psum` (003): every rank sums its slice of an array, and one
// Allreduce gives every rank the total.
//
//   ranks run -n 4 examples/psum.ts [length]
//
// mpi4py:                                    ranks:
//   locsum = np.sum(a)                         const local = a.reduce((s, x) => s + x, 0);
//   comm.Allreduce([locsum, MPI.DOUBLE],       await comm.allreduce(local, SUM)
//                  [rcvBuf, MPI.DOUBLE], op=MPI.SUM)
import { SUM, MAX, world } from 'ranks';

const comm = world();
const n = Number(process.argv[2] ?? 1_000_000);

/** The sum over all ranks of each rank's slice `a`. */
function psum(a: Float64Array): Promise<number> {
  let local = 0;
  for (const x of a) local += x;
  return comm.allreduce(local, SUM);
}

// This rank's slice of 0, 1, ..., n-1 (the last rank takes the remainder).
const chunk = Math.floor(n / comm.size);
const start = comm.rank * chunk;
const end = comm.rank === comm.size - 1 ? n : start + chunk;
const a = Float64Array.from({ length: end - start }, (_, i) => start + i);

const total = await psum(a);
console.log(`rank ${comm.rank}: local elements ${start}..${end - 1}, psum = ${total} (expected ${(n * (n - 1)) / 2})`);

// The buffer form: element-wise over whole arrays, the result written into an array you own.
const histogram = new Float64Array(10);
for (const x of a) histogram[Math.floor((10 * x) / n)]! += 1;
const counts = new Float64Array(10);
await comm.allreduce(histogram, SUM, { into: counts });
const largest = await comm.allreduce(a.length, MAX);
if (comm.rank === 0) console.log(`histogram of all ${n} values: [${Array.from(counts).join(', ')}]; largest slice ${largest}`);
