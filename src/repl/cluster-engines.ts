// The REPL's ranks are a Cluster's engines: each input is one `execute` on a view of the
// targets, Ctrl-C is `interrupt()`, `.ranks` is `engines()`.
import { Cluster } from '../cluster/cluster.ts';
import type { EngineResult } from '../cluster/requests.ts';
import type { Engines, RankOutcome, RankOutput } from './engines.ts';

function outcome(r: EngineResult): RankOutcome {
  if (r.ok) return { rank: r.engine, ok: true, value: r.value, display: r.display };
  const e = r.error;
  return {
    rank: r.engine,
    ok: false,
    error: { name: e?.name ?? 'Error', message: e?.message ?? 'failed', code: e?.code, stack: e?.stack },
    interrupted: e?.code === 'ERR_CANCELLED',
  };
}

/** Starts `size` engines on `transport` and serves them to a REPL session. */
export async function startEngines(options: { size: number; transport: 'threads' | 'processes' }): Promise<Engines> {
  let stray: ((out: RankOutput) => void) | undefined;
  const cluster = await Cluster.start({
    n: options.size,
    transport: options.transport,
    onStrayOutput: (engine, chunk) => stray?.({ rank: engine, stream: chunk.stream, text: chunk.text }),
  });
  const all = cluster.view();
  return {
    size: cluster.size,
    async run(code, targets, onOutput) {
      const view = targets.length === cluster.size ? all : cluster.view(targets);
      const results = await view.execute(code, { onOutput: (engine, chunk) => onOutput({ rank: engine, stream: chunk.stream, text: chunk.text }) });
      return results.map(outcome);
    },
    async interrupt() {
      const { stuck } = await cluster.interrupt();
      return { stuck };
    },
    states: () => cluster.engines().map((s) => ({ rank: s.engine, alive: s.alive, busy: s.busy, running: s.running, since: s.since })),
    onStray(listener: (out: RankOutput) => void) {
      stray = listener;
    },
    close: () => cluster.stop(),
  };
}
