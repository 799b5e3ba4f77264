// The first module of every pool worker process (`isolation: 'process'`): a rank of the
// pool's world over the processes transport; see worker-loop.ts.
import { existsSync, readFileSync } from 'node:fs';
import { deserialize } from 'node:v8';
import { world } from '../comm/world.ts';
import { startRank, takeInit, tell } from '../transport/processes/rank.ts';
import { FileFlags } from './flags.ts';
import { flagsFile, initFile } from './child-host.ts';
import { serve, type WorkerInit } from './worker-loop.ts';

const init = takeInit();
await startRank(init);
await tell({ type: 'ready' });
// The channel to the pool only says "ready"; it must not keep a finished worker alive.
process.channel?.unref();
const setup = existsSync(initFile(init.dir)) ? (deserialize(readFileSync(initFile(init.dir))) as WorkerInit) : null;
await serve(world(), new FileFlags(flagsFile(init.dir)), setup, () => {
  throw new Error('Arguments holding shared memory never reach a worker process');
});
// Told to stop: end even if a task left a timer or a socket behind.
setTimeout(() => process.exit(0), 1000).unref();
