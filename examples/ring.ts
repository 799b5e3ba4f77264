// A token goes around the ring of ranks: each rank adds its number and passes it on
// (sendrecv-free version: rank 0 starts, everyone else receives first).
//
//   ranks run -n 4 examples/ring.ts
import { world } from 'ranks';

const comm = world();
const next = (comm.rank + 1) % comm.size;
const prev = (comm.rank + comm.size - 1) % comm.size;

if (comm.rank === 0) {
  await comm.send({ visited: [0] }, next);
  const token = await comm.recv<{ visited: number[] }>({ source: prev });
  console.log(`the token visited ranks ${token.visited.join(' -> ')} -> 0`);
} else {
  const token = await comm.recv<{ visited: number[] }>({ source: prev });
  token.visited.push(comm.rank);
  await comm.send(token, next);
}
