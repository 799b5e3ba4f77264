// The first module of every rank thread: makes `.ts` scripts loadable, then runs the
// user's script. world() finds its rank in workerData.
import { workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { LEFTOVER, slot } from '../transport/threads/control.ts';
import type { RankInit } from '../transport/threads/messages.ts';
import { threadsTransport } from '../comm/world.ts';

const init = (workerData as { ranks: RankInit }).ranks;

if (/\.[cm]?tsx?$/.test(init.script)) {
  const [{ register }, { register: registerCjs }] = await Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]);
  register();
  registerCjs();
}

// Messages that reached this rank and were never received are reported by the launcher.
process.on('exit', () => {
  const t = threadsTransport();
  if (t) Atomics.store(new Int32Array(init.control), slot(init.rank, LEFTOVER), t.leftover());
});

process.argv[1] = init.script.startsWith('file:') ? fileURLToPath(init.script) : init.script;
await import(init.script);
