// One side of bench/spawn.ts: spawns 4 workers (spawn-worker.ts) from COMM_SELF and
// exchanges one message with each, `repeats` times; prints the seconds of each repeat as JSON.
import { commSelf } from 'ranks';

const [repeats = 5, n = 4] = process.argv.slice(2).map(Number);
const worker = new URL('./spawn-worker.ts', import.meta.url);
const times: number[] = [];
for (let r = 0; r < repeats; r++) {
  const t0 = performance.now();
  const inter = await commSelf().spawn(worker, { maxprocs: n });
  for (let i = 0; i < n; i++) await inter.send(i, i);
  for (let i = 0; i < n; i++) if ((await inter.recv({ source: i })) !== i + 1) throw new Error('wrong answer');
  times.push((performance.now() - t0) / 1000);
  await inter.free();
}
console.log(JSON.stringify({ times }));
