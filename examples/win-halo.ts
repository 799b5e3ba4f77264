// A 1-D heat equation split across ranks, with the halo exchange done by one-sided puts:
// each rank puts its edge cells straight into its neighbours' ghost cells, and a fence
// ends each step's exchange. The result matches a serial run of the same steps.
//
//   ranks run -n 4 examples/win-halo.ts [cells per rank] [steps]
//   mpiexec -n 4 ranks run examples/win-halo.ts
import { SUM, Win, world } from 'ranks';

const comm = world();
const { rank, size } = comm;
const n = Number(process.argv[2] ?? 50);
const steps = Number(process.argv[3] ?? 100);
const left = rank - 1;
const right = rank + 1;

// Cells 1..n are this rank's; 0 and n+1 are ghosts that the neighbours fill.
const win = await Win.allocate(comm, Float64Array, n + 2);
const u = win.array;
const initial = (g: number): number => (g === Math.floor((n * size) / 2) ? 1000 : 0);
for (let i = 1; i <= n; i++) u[i] = initial(rank * n + i - 1);
const next = new Float64Array(n + 2);

await win.fence();
for (let s = 0; s < steps; s++) {
  if (left >= 0) await win.put(u.subarray(1, 2), left, { offset: n + 1 });
  if (right < size) await win.put(u.subarray(n, n + 1), right, { offset: 0 });
  await win.fence();
  for (let i = 1; i <= n; i++) next[i] = u[i]! + 0.25 * (u[i - 1]! - 2 * u[i]! + u[i + 1]!);
  u.set(next.subarray(1, n + 1), 1);
  await win.fence();
}
await win.fence({ end: true });

const local = u.subarray(1, n + 1).reduce((a, b) => a + b, 0);
const total = await comm.allreduce(local, SUM);
// The same steps on one array, for comparison (zero ghosts at both ends).
const serial = new Float64Array(n * size + 2);
for (let g = 0; g < n * size; g++) serial[g + 1] = initial(g);
const tmp = new Float64Array(serial.length);
for (let s = 0; s < steps; s++) {
  for (let i = 1; i <= n * size; i++) tmp[i] = serial[i]! + 0.25 * (serial[i - 1]! - 2 * serial[i]! + serial[i + 1]!);
  serial.set(tmp.subarray(1, n * size + 1), 1);
}
const gathered = await comm.gather(u.slice(1, n + 1), 0);
if (rank === 0) {
  const maxDiff = gathered!.reduce((m, v, i) => Math.max(m, Math.abs(v - serial[i + 1]!)), 0);
  console.log(`heat after ${steps} steps on ${size} ranks: total ${total.toFixed(6)}, max difference from serial ${maxDiff.toExponential(1)}`);
}
await win.free();
