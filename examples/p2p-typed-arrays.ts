// TypeScript twin of the seed's mpi4py buffer example (seeds/003): typed arrays travel
// as raw bytes, with tags; the receiver can fill a buffer it already has.
//
//   ranks run -n 2 examples/p2p-typed-arrays.ts
//
// mpi4py:  comm.Send([data, MPI.INT], dest=1, tag=77)   /  comm.Recv([data, MPI.INT], source=0, tag=77)
//          comm.Send(data, dest=1, tag=13)               /  comm.Recv(data, source=0, tag=13)
import { world } from 'ranks';

const comm = world();

if (comm.rank === 0) {
  // numpy.arange(1000, dtype='i')
  const ints = Int32Array.from({ length: 1000 }, (_, i) => i);
  await comm.send(ints, 1, { tag: 77 });
  // numpy.arange(100, dtype=numpy.float64)
  const doubles = Float64Array.from({ length: 100 }, (_, i) => i);
  await comm.send(doubles, 1, { tag: 13 });
} else if (comm.rank === 1) {
  // Receive into a buffer of our own (numpy.empty(1000, dtype='i')).
  const ints = await comm.recv({ source: 0, tag: 77, into: new Int32Array(1000) });
  // Or let ranks allocate: the array arrives as the kind that was sent.
  const doubles = await comm.recv<Float64Array>({ source: 0, tag: 13 });
  console.log(
    `rank 1 got ${ints.constructor.name}[${ints.length}] ending ${ints[999]}, and ${doubles.constructor.name}[${doubles.length}] summing to ${doubles.reduce((a, b) => a + b, 0)}`,
  );
}
