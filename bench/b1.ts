import { world } from 'ranks';
const comm = world();
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  for (let i = 0; i < 20000; i++) await comm.barrier();
  if (comm.rank === 0) console.log(((performance.now() - t0) / 20000 * 1000).toFixed(2), 'us/barrier');
}
