// A distributed counter: rank 0's window holds one integer, and every rank takes tickets
// from it with fetchAndOp (an atomic fetch-and-add), with no call on rank 0's side.
// Every ticket is handed out exactly once.
//
//   ranks run -n 4 examples/win-counter.ts [tickets per rank]
//   mpiexec -n 4 ranks run examples/win-counter.ts
import { SUM, Win, world } from 'ranks';

const comm = world();
const perRank = Number(process.argv[2] ?? 100);
const win = await Win.allocate(comm, Int32Array, comm.rank === 0 ? 1 : 0);

await win.lockAll();
const mine: number[] = [];
for (let k = 0; k < perRank; k++) mine.push(await win.fetchAndOp(1, 0, 0, SUM));
await win.unlockAll();

const all = (await comm.gather(mine, 0))?.flat().sort((a, b) => a - b);
await comm.barrier();
if (comm.rank === 0) {
  const unique = all!.every((t, i) => t === i);
  console.log(`counter = ${win.array[0]} after ${comm.size} ranks took ${perRank} tickets each; every ticket unique: ${unique}`);
}
await win.free();
