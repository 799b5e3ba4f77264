// The ranks side of the one-sided benchmark (bench/win.ts), osu_put_latency / osu_get_bw
// style between 2 ranks: rank 0 holds a shared lock on rank 1 (lockAll) and times
// put + flush and get + flush of 8 bytes, and 16 puts or gets of 8 MiB then one flush.
// Rank 1 waits in a barrier. Rank 0 prints one JSON line of medians over ROUNDS rounds.
// Imported by path: bench/node_modules may link another checkout's ranks.
import { Win, world } from '../../dist/index.js';

const ROUNDS = 7;
const SMALL = 8;
const LARGE = 8 << 20;
const WINDOW = 16;
const iters = Number(process.argv[2] ?? 20000);

const comm = world();
if (comm.size !== 2) throw new Error(`win-ranks needs 2 ranks, got ${comm.size}`);
const win = await Win.allocate(comm, Uint8Array, LARGE);
const small = new Uint8Array(SMALL);
const large = new Uint8Array(LARGE).fill(1);
const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;

async function time(run: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await run();
  return (performance.now() - t0) / 1000;
}

if (comm.rank === 0) {
  await win.lockAll();
  const putLat: number[] = [],
    getLat: number[] = [],
    putBw: number[] = [],
    getBw: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    putLat.push(
      ((await time(async () => {
        for (let i = 0; i < iters; i++) {
          await win.put(small, 1);
          await win.flush(1);
        }
      })) /
        iters) *
        1e6,
    );
    getLat.push(
      ((await time(async () => {
        for (let i = 0; i < iters; i++) {
          await win.get(small, 1);
          await win.flush(1);
        }
      })) /
        iters) *
        1e6,
    );
    putBw.push(
      (WINDOW * LARGE) /
        (await time(async () => {
          for (let i = 0; i < WINDOW; i++) await win.put(large, 1);
          await win.flush(1);
        })) /
        1e9,
    );
    getBw.push(
      (WINDOW * LARGE) /
        (await time(async () => {
          for (let i = 0; i < WINDOW; i++) await win.get(large, 1);
          await win.flush(1);
        })) /
        1e9,
    );
  }
  await win.unlockAll();
  console.log(JSON.stringify({ putLatUs: median(putLat), getLatUs: median(getLat), putBwGBs: median(putBw), getBwGBs: median(getBw) }));
}
await comm.barrier();
await win.free();
