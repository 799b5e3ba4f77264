// Entry of a worker thread that runs a TypeScript module: Node 20 workers do not inherit the
// `--import tsx` hooks of their parent, so register tsx here, then import workerData.script.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.script);
