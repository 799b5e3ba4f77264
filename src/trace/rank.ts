// A traced rank: decides whether this rank records (its launcher said so, or RANKS_TRACE /
// RANKS_PROFILE under mpiexec or in a plain script), starts the recorder on its transport,
// and writes its part when it ends — at exit, on an uncaught error, on SIGTERM/SIGINT
// (processes, MPI), or when the launcher asks before stopping it (threads: a port).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMainThread, workerData, type MessagePort } from 'node:worker_threads';
import { config } from '../config/config.ts';
import type { Transport } from '../transport/transport.ts';
import { instrumentTransport } from './instrument.ts';
import { recording, startRecorder, stopRecorder } from './recorder.ts';
import { partFile, reasonFile, tryMerge } from './parts.ts';

/** What a launcher tells a rank it traces (threads: workerData.rankTrace, with `port`; processes: RANKS_TRACE_RANK as JSON). */
export interface RankTraceSpec {
  /** The folder of the job's parts. */
  dir: string;
  job: string;
  /** The lane's name (default `rank N`). */
  label?: string;
  /** The lane (default: the transport's rank). */
  lane?: number;
  limit: number;
  /** Capture call sites (profiling). */
  sites: boolean;
  /** Under mpiexec or in a plain script: the rank whose part completes the folder merges it here (see parts.ts). */
  merge?: { trace: string | undefined; profile: string | undefined };
}

/** The messages of a threads rank's trace port. */
export type TracePortMessage = { type: 'flush'; reason: string } | { type: 'flushed' };

let failure: string | undefined;

/** Says what this rank dies of (an uncaught error, or one its entry module caught): its part's reason. */
export function noteFailure(err: unknown): void {
  failure ??= `error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
}

/** The key of an MPI job, the same on its every rank (and different from the next job's). */
function mpiJobKey(): string {
  const e = process.env;
  if (e.PMIX_NAMESPACE) return `pmix:${e.PMIX_NAMESPACE}`;
  if (e.SLURM_JOB_ID) return `slurm:${e.SLURM_JOB_ID}.${e.SLURM_STEP_ID ?? ''}`;
  if (e.PMI_KVSNAME) return `pmi:${e.PMI_KVSNAME}`;
  return `ppid:${process.ppid}`;
}

/** Why the launcher stops this rank, when it said so before its SIGTERM (parts.ts reasonFile). */
function launcherReason(dir: string): string | undefined {
  try {
    return `stopped by the launcher: ${readFileSync(reasonFile(dir), 'utf8')}`;
  } catch {
    return undefined;
  }
}

function specOf(t: Transport, launched: boolean): (RankTraceSpec & { port?: MessagePort }) | undefined {
  if (!isMainThread) {
    const w = workerData as { rankTrace?: RankTraceSpec & { port: MessagePort } } | null;
    if (w?.rankTrace) return w.rankTrace;
  }
  const c = config();
  if (c.traceRank) return JSON.parse(c.traceRank) as RankTraceSpec;
  if (launched || (c.trace === undefined && c.profile === undefined)) return undefined;
  // Under mpiexec (every rank) or a plain script (a world of one): this rank's own choice.
  if (t.name !== 'mpi' && t.size !== 1) return undefined;
  const job = t.name === 'mpi' ? mpiJobKey() : `pid:${process.pid}`;
  const dir = c.trace !== undefined ? `${c.trace}.parts` : join(process.env.TMPDIR ?? '/tmp', `ranks-profile-${job.replace(/[^\w.-]/g, '_')}`);
  return { dir, job, limit: c.traceLimit, sites: c.profile !== undefined, merge: { trace: c.trace, profile: c.profile } };
}

/**
 * Starts recording on `t` when this rank is traced (see the module comment); returns `t`.
 * `launched`: this rank belongs to a ranks launcher (threads or processes job, pool), whose
 * instruction alone counts.
 */
export function traceTransport(t: Transport, launched: boolean): Transport {
  if (recording) return t;
  const spec = specOf(t, launched);
  if (!spec) return t;
  const lane = spec.lane ?? t.rank;
  const rec = startRecorder({
    rank: lane,
    size: t.size,
    label: spec.label ?? `rank ${lane}`,
    transport: t.name,
    job: spec.job,
    limit: spec.limit,
    sites: spec.sites,
  });
  instrumentTransport(t, rec);
  const write = (reason: string): void => {
    const part = stopRecorder(reason);
    if (!part) return;
    try {
      mkdirSync(spec.dir, { recursive: true });
      const file = partFile(spec.dir, lane);
      writeFileSync(`${file}.tmp`, JSON.stringify(part));
      renameSync(`${file}.tmp`, file);
      if (spec.merge) tryMerge(spec.dir, part, spec.merge);
    } catch (err) {
      process.stderr.write(`ranks: could not write rank ${lane}'s trace to ${spec.dir}: ${(err as Error).message}\n`);
    }
  };
  process.on('uncaughtExceptionMonitor', noteFailure);
  process.on('exit', (code) => write(failure ?? (code === 0 ? 'exit' : `exit code ${code}`)));
  if (spec.port) {
    const port = spec.port;
    port.on('message', (m: TracePortMessage) => {
      if (m.type !== 'flush') return;
      write(`stopped by the launcher: ${m.reason}`);
      port.postMessage({ type: 'flushed' } satisfies TracePortMessage);
    });
    port.unref();
  } else if (isMainThread) {
    for (const [signal, code] of [
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ] as const) {
      process.once(signal, () => {
        write(launcherReason(spec.dir) ?? signal);
        process.exit(code);
      });
    }
  }
  return t;
}
