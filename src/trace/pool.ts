// A traced pool (Pool/Executor `trace` option): its workers record their lanes as the
// ranks of a job do (trace/rank.ts, told by the pool's JobTrace); rank 0, the scheduler in
// the caller's thread, records its messages on a recorder of its own. Once the workers have
// ended (close or terminate), rank 0 writes its part and the pool's trace is written.
import { renameSync, writeFileSync } from 'node:fs';
import type { WorkerHost } from '../pool/host.ts';
import type { Transport } from '../transport/transport.ts';
import { instrumentTransport } from './instrument.ts';
import type { JobTrace } from './job.ts';
import { partFile } from './parts.ts';
import { Recorder } from './recorder.ts';

/** Records rank 0's messages on `transport` and writes the pool's trace when `host` is disposed of. */
export function tracePool(transport: Transport, host: WorkerHost, trace: JobTrace): void {
  const spec = trace.spec(0, 'pool');
  const rec = new Recorder({ rank: 0, size: transport.size, label: 'pool', transport: transport.name, job: spec.job, limit: spec.limit, sites: false });
  instrumentTransport(transport, rec);
  const terminate = host.terminate.bind(host);
  let failure: string | undefined;
  // Terminated workers first write their parts (threads end without their exit handlers).
  host.terminate = async () => {
    failure ??= 'the pool was terminated';
    await trace.flushThreads(
      Array.from({ length: transport.size - 1 }, (_, i) => i + 1),
      failure,
    );
    trace.tellReason(failure);
    return terminate();
  };
  const dispose = host.dispose?.bind(host);
  let done = false;
  host.dispose = () => {
    dispose?.();
    if (done) return;
    done = true;
    const part = rec.stop(failure ? `stopped: ${failure}` : 'exit');
    const file = partFile(trace.dir, 0);
    writeFileSync(`${file}.tmp`, JSON.stringify(part));
    renameSync(`${file}.tmp`, file);
    trace.finish(failure ? { status: 'failed', error: failure } : { status: 'ok' });
  };
}
