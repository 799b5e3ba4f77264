// Heat diffusion on a periodic 2-D grid split over the ranks, with the halo exchange done
// by one neighborAlltoall per step on a Cartesian communicator (each rank sends an edge to
// each of its 4 neighbours and gets theirs back). Rank 0 checks the result against the
// same computation done serially.
//
//   ranks run -n 4 examples/cart-halo.ts [n = 16 cells per side of a block] [steps = 50]
import { dimsCreate, world } from 'ranks';

const n = Number(process.argv[2] ?? 16);
const steps = Number(process.argv[3] ?? 50);
const comm = world();
const grid = (await comm.createCart(dimsCreate(comm.size, 2), { periods: [true, true] }))!;
const [rows, cols] = grid.dims as [number, number];
const [pr, pc] = grid.coords as [number, number];
const N = rows * n;
const M = cols * n;
const initial = (i: number, j: number): number => (i * 7 + j * 3) % 10;
const K = 0.1;

// This rank's block, with a halo of one cell on every side: (n + 2) x (n + 2).
const W = n + 2;
let u = new Float64Array(W * W);
for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) u[(i + 1) * W + j + 1] = initial(pr * n + i, pc * n + j);

const edges = new Float64Array(4 * n);
for (let s = 0; s < steps; s++) {
  // Neighbours in MPI's order: up, down (dimension 0), left, right (dimension 1).
  for (let k = 0; k < n; k++) {
    edges[k] = u[1 * W + k + 1]!; // top row goes up
    edges[n + k] = u[n * W + k + 1]!; // bottom row goes down
    edges[2 * n + k] = u[(k + 1) * W + 1]!; // left column goes left
    edges[3 * n + k] = u[(k + 1) * W + n]!; // right column goes right
  }
  const halo = await grid.neighborAlltoall(edges);
  for (let k = 0; k < n; k++) {
    u[0 * W + k + 1] = halo[k]!; // from up: its bottom row
    u[(n + 1) * W + k + 1] = halo[n + k]!; // from down: its top row
    u[(k + 1) * W + 0] = halo[2 * n + k]!; // from left: its right column
    u[(k + 1) * W + n + 1] = halo[3 * n + k]!; // from right: its left column
  }
  const next = new Float64Array(W * W);
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= n; j++) {
      const c = u[i * W + j]!;
      next[i * W + j] = c + K * (u[(i - 1) * W + j]! + u[(i + 1) * W + j]! + u[i * W + j - 1]! + u[i * W + j + 1]! - 4 * c);
    }
  }
  u = next;
}

const block = new Float64Array(n * n);
for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) block[i * n + j] = u[(i + 1) * W + j + 1]!;
const all = await grid.gather(block, 0);
if (grid.rank === 0) {
  // The serial computation on the whole grid.
  let g = Float64Array.from({ length: N * M }, (_, x) => initial(Math.floor(x / M), x % M));
  for (let s = 0; s < steps; s++) {
    const next = new Float64Array(N * M);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < M; j++) {
        const c = g[i * M + j]!;
        const at = (a: number, b: number): number => g[((a + N) % N) * M + ((b + M) % M)]!;
        next[i * M + j] = c + K * (at(i - 1, j) + at(i + 1, j) + at(i, j - 1) + at(i, j + 1) - 4 * c);
      }
    }
    g = next;
  }
  let total = 0;
  let diff = 0;
  for (let r = 0; r < grid.size; r++) {
    const [br, bc] = grid.coordsOf(r) as [number, number];
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = all![r * n * n + i * n + j]!;
        total += v;
        diff = Math.max(diff, Math.abs(v - g[(br * n + i) * M + bc * n + j]!));
      }
    }
  }
  console.log(
    `heat after ${steps} steps on ${grid.size} ranks (${rows}x${cols} grid): total ${total.toFixed(6)}, max difference from serial ${diff.toExponential(1)}`,
  );
}
