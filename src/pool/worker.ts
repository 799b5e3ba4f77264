// The first module of every pool worker thread: see worker-loop.ts.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import { world } from '../comm/world.ts';
import { SharedFlags } from './flags.ts';
import { serve } from './worker-loop.ts';
import type { PoolWorkerData } from './workers.ts';

const { side, flags, init } = (workerData as { pool: PoolWorkerData }).pool;
await serve(world(), new SharedFlags(flags), init, () => receiveMessageOnPort(side)!.message as unknown[][]);
side.close();
