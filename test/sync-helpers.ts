// Runs scenarios of test/fixtures/sync-worker.ts on real worker threads.
import { Worker } from 'node:worker_threads';
import type { TestContext } from 'node:test';
import { share } from 'ranks';

const boot = new URL('./fixtures/ts-worker.mjs', import.meta.url);
const script = new URL('./fixtures/sync-worker.ts', import.meta.url).href;

/** Starts one worker on `scenario`; resolves with what it posted, rejects with its error. */
export function inWorker<R = unknown>(t: TestContext, scenario: string, args: Record<string, unknown>): Promise<R> {
  // share() on the way out; the worker calls revive() on the way in.
  const worker = new Worker(boot, { workerData: { script, scenario, args: share(args) } });
  t.after(() => worker.terminate());
  return new Promise<R>((resolve, reject) => {
    let result: { value: R } | undefined;
    worker.on('message', (value: R) => (result = { value }));
    worker.on('error', reject);
    worker.on('exit', (code) => (result ? resolve(result.value) : reject(new Error(`worker ${scenario} exited with ${code} and no result`))));
  });
}

/** Starts `n` workers on `scenario`, worker i with `args(i)`; resolves with their results in order. */
export function inWorkers<R = unknown>(t: TestContext, n: number, scenario: string, args: (id: number) => Record<string, unknown>): Promise<R[]> {
  return Promise.all(Array.from({ length: n }, (_, id) => inWorker<R>(t, scenario, { id, ...args(id) })));
}
