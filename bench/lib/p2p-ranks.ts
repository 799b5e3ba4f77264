// The ranks side of the p2p family: a ping-pong between rank 0 and rank 1 over the threads
// transport, the processes transport with `ranks run --transport processes`, or the MPI
// transport (`mpiexec -n 2 node --import tsx p2p-ranks.ts <plan args>`); rank 0 prints JSON.
// With RANKS_BENCH_PERSISTENT=1 the data messages go through persistent requests
// (sendInit/recvInit made once per batch, started every round trip).
import { world } from 'ranks';
import { measureAll, now } from './measure.ts';
import { parsePlanArgs } from './plan.ts';
import type { PingPongOutput } from './types.ts';

const DATA = 0;
const CTRL = 1;
const persistent = process.env.RANKS_BENCH_PERSISTENT === '1';

const comm = world();
if (comm.size !== 2) throw new Error(`p2p-ranks needs exactly 2 ranks, got ${comm.size}`);
const plan = parsePlanArgs(process.argv.slice(2));
const largest = Math.max(...plan.sizes);
const buffer = new Uint8Array(largest);
const header = new Float64Array(2);

if (comm.rank === 0) {
  const sizes = await measureAll(plan, async (bytes, n) => {
    header[0] = bytes;
    header[1] = n;
    await comm.send(header, 1, { tag: CTRL });
    const buf = buffer.subarray(0, bytes);
    if (persistent) {
      const send = comm.sendInit(buf, 1, { tag: DATA });
      const recv = comm.recvInit({ source: 1, tag: DATA, into: buf });
      const t0 = now();
      for (let i = 0; i < n; i++) {
        if (!send.start().done) await send.wait();
        await recv.start().wait();
      }
      const dt = now() - t0;
      send.free();
      recv.free();
      return dt;
    }
    const t0 = now();
    for (let i = 0; i < n; i++) {
      await comm.send(buf, 1, { tag: DATA });
      await comm.recv({ source: 1, tag: DATA, into: buf });
    }
    return now() - t0;
  });
  header[1] = -1;
  await comm.send(header, 1, { tag: CTRL });
  const t = (comm as unknown as { transport: { name: string; library?: string } }).transport;
  const out: PingPongOutput = {
    library: `ranks ${t.name} transport${t.library ? ` on ${t.library}` : ''}${persistent ? ', persistent requests' : ''}, Node.js ${process.version}`,
    sizes,
  };
  console.log(JSON.stringify(out));
} else {
  for (;;) {
    await comm.recv({ source: 0, tag: CTRL, into: header });
    const bytes = header[0] ?? 0;
    const n = header[1] ?? -1;
    if (n < 0) break;
    const buf = buffer.subarray(0, bytes);
    if (persistent) {
      const send = comm.sendInit(buf, 0, { tag: DATA });
      const recv = comm.recvInit({ source: 0, tag: DATA, into: buf });
      for (let i = 0; i < n; i++) {
        await recv.start().wait();
        if (!send.start().done) await send.wait();
      }
      send.free();
      recv.free();
      continue;
    }
    for (let i = 0; i < n; i++) {
      await comm.recv({ source: 0, tag: DATA, into: buf });
      await comm.send(buf, 0, { tag: DATA });
    }
  }
}
