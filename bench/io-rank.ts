// One rank of bench/io.ts (threads, processes, or an MPI job's ranks):
//   io-rank.ts large PATH BYTES_PER_RANK   writeAtAll + sync of one block per rank, then readAtAll of it
//   io-rank.ts small PATH ROUNDS           ROUNDS rounds of 4 KiB blocks interleaved rank by rank,
//                                          with writeAtAll (collective) and with writeAt (independent)
// Rank 0 prints one JSON line of seconds (the slowest rank's, between barriers).
import { File, MAX, MODE_CREATE, MODE_RDWR, world, wtime } from 'ranks';

const [kind, path, arg] = process.argv.slice(2) as [string, string, string];
const comm = world();
const amount = Number(arg);
const BLOCK = 4096;

async function timed(run: () => Promise<unknown>): Promise<number> {
  await comm.barrier();
  const t0 = wtime();
  await run();
  return (await comm.allreduce(wtime() - t0, MAX)) as number;
}

const fh = await File.open(comm, path, MODE_CREATE | MODE_RDWR);
const out: Record<string, number> = {};
if (kind === 'large') {
  const buf = new Uint8Array(amount).fill(comm.rank + 1);
  out.write = await timed(async () => {
    await fh.writeAtAll(comm.rank * amount, buf);
    await fh.sync();
  });
  out.read = await timed(() => fh.readAtAll(comm.rank * amount, buf));
  if (buf[amount - 1] !== comm.rank + 1) throw new Error('read back the wrong data');
} else {
  const block = new Uint8Array(BLOCK).fill(comm.rank + 1);
  const at = (k: number): number => (k * comm.size + comm.rank) * BLOCK;
  out.collective = await timed(async () => {
    for (let k = 0; k < amount; k++) await fh.writeAtAll(at(k), block);
  });
  out.independent = await timed(async () => {
    for (let k = 0; k < amount; k++) await fh.writeAt(at(k), block);
  });
}
await fh.close();
if (comm.rank === 0) console.log(JSON.stringify(out));
