// The main job: every rank integrates its share of 4/(1+x²) over [0, 1] and sends its
// part to rank 0, which adds them up — SPMD message passing on all cores.
//
//   ranks run -n 4 examples/pi.ts [intervals]
import { world, ANY_SOURCE, Status, wtime } from 'ranks';

const comm = world();
const n = Number(process.argv[2] ?? 20_000_000);
const t0 = wtime();

const h = 1 / n;
let part = 0;
for (let i = comm.rank; i < n; i += comm.size) {
  const x = h * (i + 0.5);
  part += 4 / (1 + x * x);
}
part *= h;

if (comm.rank === 0) {
  let pi = part;
  const status = new Status();
  for (let k = 1; k < comm.size; k++) {
    pi += await comm.recv<number>({ source: ANY_SOURCE, tag: 1, status });
    console.log(`rank 0: got the part of rank ${status.source}`);
  }
  console.log(`pi ≈ ${pi.toFixed(12)} (error ${Math.abs(pi - Math.PI).toExponential(2)}) from ${comm.size} ranks in ${(wtime() - t0).toFixed(3)} s`);
} else {
  await comm.send(part, 0, { tag: 1 });
}
