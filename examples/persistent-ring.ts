// A 1-D heat diffusion around a ring of ranks, halo exchange with persistent requests:
// the four requests (send and receive to each neighbour) are made once, then started
// every step (mpi4py's Send_init/Recv_init + Prequest.Startall + Waitall).
//
//   ranks run -n 4 examples/persistent-ring.ts [cells per rank] [steps]
import { world, Request, SUM } from 'ranks';

const comm = world();
const n = Number(process.argv[2] ?? 1000);
const steps = Number(process.argv[3] ?? 500);
const left = (comm.rank + comm.size - 1) % comm.size;
const right = (comm.rank + 1) % comm.size;

// u[0] and u[n + 1] are the halo cells; rank 0 starts with all the heat in its first cell.
let u = new Float64Array(n + 2);
let next = new Float64Array(n + 2);
if (comm.rank === 0) u[1] = 1;

// One set of requests per buffer (the arrays swap each step), made once.
const requestsFor = (a: Float64Array) => [
  comm.recvInit({ source: left, tag: 1, into: a.subarray(0, 1) }),
  comm.recvInit({ source: right, tag: 2, into: a.subarray(n + 1, n + 2) }),
  comm.sendInit(a.subarray(n, n + 1), right, { tag: 1 }),
  comm.sendInit(a.subarray(1, 2), left, { tag: 2 }),
];
let halo = requestsFor(u);
let spare = requestsFor(next);

for (let step = 0; step < steps; step++) {
  Request.startAll(halo);
  await Request.waitAll(halo);
  for (let i = 1; i <= n; i++) next[i] = u[i]! + 0.25 * (u[i - 1]! - 2 * u[i]! + u[i + 1]!);
  [u, next] = [next, u];
  [halo, spare] = [spare, halo];
}
for (const r of [...halo, ...spare]) r.free();

let mine = 0;
for (let i = 1; i <= n; i++) mine += u[i]!;
const total = await comm.allreduce(mine, SUM);
if (comm.rank === 0) console.log(`after ${steps} steps on ${comm.size} ranks the heat is conserved: total ${total.toFixed(12)}`);
