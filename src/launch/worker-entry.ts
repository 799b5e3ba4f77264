// The first module of every rank thread: makes the script loadable (tsx, ESM), then runs the
// user's script. world() finds its rank in workerData.
import { workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { LEFTOVER, slot } from '../transport/threads/control.ts';
import type { RankInit } from '../transport/threads/messages.ts';
import { threadsTransport } from '../comm/world.ts';
import { prepareScript } from './script-loader.ts';

const init = (workerData as { ranks: RankInit }).ranks;

await prepareScript(init.script);

// Messages that reached this rank and were never received are reported by the launcher.
// Before the thread's memory goes, its offered large messages are settled (transport.ts's retire).
process.on('exit', () => {
  const t = threadsTransport();
  t?.retire();
  if (t) Atomics.store(new Int32Array(init.control), slot(init.rank, LEFTOVER), t.leftover());
});

process.argv[1] = init.script.startsWith('file:') ? fileURLToPath(init.script) : init.script;
await import(init.script);
