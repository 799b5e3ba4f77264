import { world } from 'ranks';
const comm = world();
const n = Number(process.argv[2] ?? 8 << 20);
const buf = new Uint8Array(n);
const times: number[] = [];
for (let i = 0; i < 60; i++) {
  const t = performance.now();
  if (comm.rank === 0) { await comm.send(buf, 1); await comm.recv({ source: 1, into: buf }); }
  else { await comm.recv({ source: 0, into: buf }); await comm.send(buf, 0); }
  times.push((performance.now() - t) / 2);
}
if (comm.rank === 0) console.log(times.map((x) => x.toFixed(2)).join(' '));
