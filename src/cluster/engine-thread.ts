// The first module of a thread engine: joins the engines' world, then serves the cluster's
// requests that come through its port (see engine.ts).
import { workerData, type MessagePort } from 'node:worker_threads';
import { world } from '../comm/world.ts';
import { serveEngine } from './engine.ts';
import type { FromEngine, ToEngine } from './protocol.ts';

const port = (workerData as { cluster: { port: MessagePort } }).cluster.port;

serveEngine(
  world(),
  {
    post: (m: FromEngine) => port.postMessage(m),
    listen: (on) => port.on('message', (m: ToEngine) => on(m)),
    // A thread cannot be sent a signal: a synchronous loop runs until it returns.
    breakOnSigint: false,
    end: () => port.close(),
  },
  await import('../index.ts'),
);
