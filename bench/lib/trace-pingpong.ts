// The ranks side of the trace family's latency rows: an 8-byte ping-pong between rank 0 and
// rank 1 (send, then receive into the same buffer), `iters` round trips per round, one
// warm-up round then 7 timed; rank 0 prints JSON { latencyUs } (the median one-way time).
// Run under `ranks run -n 2 [--trace FILE] trace-pingpong.ts ITERS`.
import { world } from 'ranks';

const comm = world();
const iters = Number(process.argv[2] ?? 10000);
const buf = new Uint8Array(8);
const times: number[] = [];
for (let round = 0; round < 8; round++) {
  await comm.barrier();
  const t0 = performance.now();
  for (let i = 0; i < iters; i++) {
    if (comm.rank === 0) {
      await comm.send(buf, 1);
      await comm.recv({ source: 1, into: buf });
    } else {
      await comm.recv({ source: 0, into: buf });
      await comm.send(buf, 0);
    }
  }
  if (round > 0) times.push(((performance.now() - t0) * 1000) / (2 * iters));
}
times.sort((a, b) => a - b);
if (comm.rank === 0) console.log(JSON.stringify({ latencyUs: times[times.length >> 1] }));
