// The first module of a thread engine: joins the engines' world, then serves the cluster's
// requests that come through its port (see engine.ts).
import { workerData, type MessagePort } from 'node:worker_threads';
import { world } from '../comm/world.ts';
import { serveEngine } from './engine.ts';
import type { FromEngine, ToEngine } from './protocol.ts';

const { port, running } = (workerData as { cluster: { port: MessagePort; running: SharedArrayBuffer } }).cluster;
const slot = new Int32Array(running);
const rank = world().rank;

serveEngine(
  world(),
  {
    post: (m: FromEngine) => port.postMessage(m),
    listen: (on) => port.on('message', (m: ToEngine) => on(m)),
    // A thread gets no signals: the driver ends a synchronous loop through the inspector (break-thread.ts).
    breakOnSigint: false,
    // The driver's breaker ends an input's synchronous top level only, and only while it runs.
    syncSection: (id) => Atomics.store(slot, rank, id),
    end: () => port.close(),
  },
  await import('../index.ts'),
);
