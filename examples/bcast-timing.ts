// Twin of the seeds' broadcast timing (000): 10^7 doubles from rank 0 to every rank,
// once as a TypedArray (raw bytes: mpi4py's `Bcast` of a numpy array) and once as a
// plain array of numbers (serialized: mpi4py's pickle-based `bcast`).
//
//   ranks run -n 4 examples/bcast-timing.ts [count]
//
// The seed's mpi4py figures: 0.068 s for the buffer, 0.19 s for pickle, "about 3 times
// faster". Here the typed path is one copy into shared memory and one out per rank.
import { MAX, world, wtime } from 'ranks';

const comm = world();
const n = Number(process.argv[2] ?? 10 ** 7);

// Typed: non-root ranks pass an array to fill in place, like numpy.empty(10**7).
await comm.barrier();
let t0 = wtime();
const data = new Float64Array(n);
if (comm.rank === 0) data.fill(7);
await comm.bcast(data, 0);
const typed = wtime() - t0;

// Object: the same numbers as a plain array, through structured serialization.
await comm.barrier();
t0 = wtime();
const list = comm.rank === 0 ? new Array<number>(n).fill(7) : undefined;
const got = await comm.bcast(list, 0);
const object = wtime() - t0;

if (data[n - 1] !== 7 || got!.length !== n || got![n - 1] !== 7) throw new Error(`rank ${comm.rank} got wrong data`);
// The slowest rank's time is the broadcast's time.
const slowest = await comm.allreduce(new Float64Array([typed, object]), MAX);
if (comm.rank === 0) {
  console.log(`typed array comm time  ${slowest[0]!.toFixed(4)} s  (Float64Array of ${n})`);
  console.log(`plain array comm time  ${slowest[1]!.toFixed(4)} s  (number[] of ${n}, serialized)`);
  console.log(`the typed path is ${(slowest[1]! / slowest[0]!).toFixed(1)}x faster on ${comm.size} ranks`);
}
