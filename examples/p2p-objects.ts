// TypeScript twin of mpi4py's object messages (lower-case send/recv, pickle): any
// structured-cloneable value travels, including Map, Set, Date, BigInt and typed arrays.
//
//   ranks run -n 2 examples/p2p-objects.ts
//
// mpi4py:  comm.send({'a': 7, 'b': 3.14}, dest=1, tag=11)  /  data = comm.recv(source=0, tag=11)
import { world, Status } from 'ranks';

const comm = world();

if (comm.rank === 0) {
  const data = { a: 7, b: 3.14, seen: new Set(['x', 'y']), at: new Date(0), weights: new Float32Array([0.5, 0.25]), big: 2n ** 80n };
  await comm.send(data, 1, { tag: 11 });
} else if (comm.rank === 1) {
  const status = new Status();
  const data = await comm.recv<{ a: number; b: number; seen: Set<string>; at: Date; weights: Float32Array; big: bigint }>({ source: 0, tag: 11, status });
  console.log(
    `rank 1 got a=${data.a} b=${data.b} seen=${[...data.seen].join(',')} at=${data.at.toISOString()} weights=${data.weights.constructor.name}(${[...data.weights].join(',')}) big=${data.big}`,
  );
  console.log(`from rank ${status.source}, tag ${status.tag}, ${status.bytes} bytes`);
}
