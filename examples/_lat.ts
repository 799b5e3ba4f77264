import { world, wtime } from 'ranks';
const comm = world();
const peer = 1 - comm.rank;
const buf = new Uint8Array(8);
for (let rep = 0; rep < 5; rep++) {
  const iters = 200000;
  const t0 = wtime();
  for (let i = 0; i < iters; i++) {
    if (comm.rank === 0) { await comm.send(buf, peer); await comm.recv({ source: peer, into: buf }); }
    else { await comm.recv({ source: peer, into: buf }); await comm.send(buf, peer); }
  }
  if (comm.rank === 0) console.log('one-way us', ((wtime() - t0) / iters / 2 * 1e6).toFixed(3));
}
