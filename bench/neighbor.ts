// A 2-D periodic halo exchange (4 edges of `n` doubles per rank), done with one
// neighborAlltoall against the hand-written version (4 sendrecv calls, two per dimension):
// `npm run build && cd bench && npm install && node ../bin/ranks.js run -n 4 neighbor.ts [n] [iters] [repeats]`.
// Prints a markdown table of µs per exchange, median (min–max) of `repeats` samples of
// `iters` exchanges each, the two versions alternating sample by sample.
import { loadavg } from 'node:os';
import { MAX, dimsCreate, world } from 'ranks';

const [n = 64, iters = 2000, repeats = 7] = process.argv.slice(2).map(Number);
const comm = world();
const grid = (await comm.createCart(dimsCreate(comm.size, 2), { periods: [true, true] }))!;
const nb = grid.inNeighbors; // up, down, left, right
const edges = new Float64Array(4 * n).fill(grid.rank);
const halves = [0, 1, 2, 3].map((k) => edges.subarray(k * n, (k + 1) * n));
const into = [0, 1, 2, 3].map(() => new Float64Array(n));

async function viaNeighbor(): Promise<void> {
  const halo = await grid.neighborAlltoall(edges);
  if (halo[0] !== nb[0]) throw new Error('wrong halo');
}

async function viaSendrecv(): Promise<void> {
  // Slot 2d goes behind and comes from ahead (slot 2d+1), and the other way round.
  for (let d = 0; d < 2; d++) {
    await grid.sendrecv(halves[2 * d], nb[2 * d]!, { source: nb[2 * d + 1], into: into[2 * d + 1] });
    await grid.sendrecv(halves[2 * d + 1], nb[2 * d + 1]!, { source: nb[2 * d], into: into[2 * d] });
  }
  if (into[0]![0] !== nb[0]) throw new Error('wrong halo');
}

async function sample(run: () => Promise<void>): Promise<number> {
  await grid.barrier();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iters; i++) await run();
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / iters;
  return grid.allreduce(us, MAX);
}

const times: Record<string, number[]> = { neighborAlltoall: [], sendrecv: [] };
for (let w = 0; w < 2; w++) {
  await viaNeighbor();
  await viaSendrecv();
}
for (let r = 0; r < repeats; r++) {
  times.neighborAlltoall!.push(await sample(viaNeighbor));
  times.sendrecv!.push(await sample(viaSendrecv));
}
if (grid.rank === 0) {
  const fmt = (xs: number[]): string => {
    const s = [...xs].sort((a, b) => a - b);
    return `${s[s.length >> 1]!.toFixed(2)} (${s[0]!.toFixed(2)}–${s[s.length - 1]!.toFixed(2)})`;
  };
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  console.log(
    `load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ', ',
      )}; ${grid.size} ranks (${grid.dims.join('x')} periodic grid), ${n} doubles per edge, ${iters} exchanges per sample, ${repeats} samples; µs per exchange (slowest rank), median (min–max)\n`,
  );
  console.log('| halo exchange | µs per exchange | ratio to sendrecv |');
  console.log('| --- | --- | --- |');
  for (const k of ['neighborAlltoall', 'sendrecv']) console.log(`| ${k} | ${fmt(times[k]!)} | ${(med(times[k]!) / med(times.sendrecv!)).toFixed(2)} |`);
}
