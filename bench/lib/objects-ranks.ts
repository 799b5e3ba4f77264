// The ranks side of the objects family (bench/objects.ts): rank 0 sends a JavaScript value
// to rank 1, which answers with a small acknowledgement; for the small record both ways
// carry the record (a ping-pong: one-way = round trip / 2). Same steps as objects.py.
// Rank 0 prints one JSON line: per case, one-way µs of every repeat.
// Run: `ranks run -n 2 lib/objects-ranks.ts repeats targetSec` (or under mpiexec).
// Imported by path: bench/node_modules may link another checkout's ranks.
import { world } from '../../dist/index.js';
import { CASES, makeValue, checkValue, type CaseName } from './objects-data.ts';

const CTRL = 1;
const DATA = 2;
const comm = world();
if (comm.size !== 2) throw new Error(`objects-ranks needs 2 ranks, got ${comm.size}`);
const [repeats, targetSec] = process.argv.slice(2).map(Number) as [number, number];
if (!(repeats >= 1 && targetSec > 0)) throw new Error('usage: objects-ranks.ts repeats targetSec');

if (comm.rank === 0) {
  const out: Record<string, number[]> = {};
  for (const name of CASES) {
    const value = makeValue(name);
    const pingpong = name === 'record';
    // n round trips; returns seconds.
    const run = async (n: number): Promise<number> => {
      await comm.send([CASES.indexOf(name), n], 1, { tag: CTRL });
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        await comm.send(value, 1, { tag: DATA });
        const back = await comm.recv({ source: 1, tag: DATA });
        if (pingpong && i === 0) checkValue(name, back);
      }
      return (performance.now() - t0) / 1000;
    };
    let n = 1;
    let t = await run(1);
    while (t < targetSec / 2) {
      n *= 2;
      t = await run(n);
    }
    const iters = Math.max(1, Math.round((n * targetSec) / t));
    const samples: number[] = [];
    for (let r = 0; r < repeats; r++) samples.push((((await run(iters)) / iters) * 1e6) / (pingpong ? 2 : 1));
    out[name] = samples;
  }
  await comm.send([-1, 0], 1, { tag: CTRL });
  console.log(
    JSON.stringify({
      library: `ranks ${(comm as unknown as { transport: { name: string } }).transport.name} transport, Node.js ${process.version}`,
      cases: out,
    }),
  );
} else {
  const values = new Map<CaseName, unknown>();
  for (;;) {
    const [c, n] = await comm.recv<[number, number]>({ source: 0, tag: CTRL });
    if (c < 0) break;
    const name = CASES[c]!;
    const reply = name === 'record' ? (values.get(name) ?? values.set(name, makeValue(name)).get(name)) : 0;
    for (let i = 0; i < n; i++) {
      const got = await comm.recv({ source: 0, tag: DATA });
      if (i === 0) checkValue(name, got);
      await comm.send(reply, 0, { tag: DATA });
    }
  }
}
