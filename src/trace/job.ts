// The launcher's side of a traced job (threads or processes, a job or a pool): the folder
// of parts, what each rank is told, the last word to ranks that are about to be stopped,
// and the trace and profile written once every rank has ended.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { config } from '../config/config.ts';
import { newJobId } from '../supervise/exit.ts';
import type { JobOutcome } from './collect.ts';
import { readParts, reasonFile, writeOutputs, type Outputs } from './parts.ts';
import type { RankTraceSpec, TracePortMessage } from './rank.ts';

/** How long a rank thread gets to write its part when the job is stopped. */
const FLUSH_MS = 2000;

/** A job's trace and profile, from its launcher's side. */
export class JobTrace {
  /** The folder of the ranks' parts. */
  readonly dir: string;
  private readonly job = newJobId('trace-');
  private readonly ports = new Map<number, MessagePort>();
  private readonly limit = config().traceLimit;

  constructor(
    private readonly out: Outputs,
    private readonly size: number,
    private readonly transport: string,
  ) {
    if (out.trace !== undefined) {
      this.dir = `${out.trace}.parts`;
      rmSync(this.dir, { recursive: true, force: true });
      mkdirSync(this.dir, { recursive: true });
    } else this.dir = mkdtempSync(join(tmpdir(), 'ranks-profile-'));
  }

  /** What rank (lane) `lane` is told. */
  spec(lane: number, label?: string): RankTraceSpec {
    return { dir: this.dir, job: this.job, lane, limit: this.limit, sites: this.out.profile !== undefined, ...(label !== undefined && { label }) };
  }

  /** A rank thread's workerData entry and the port it takes along. */
  forThread(lane: number, label?: string): { data: { rankTrace: RankTraceSpec & { port: MessagePort } }; transferList: MessagePort[] } {
    const { port1, port2 } = new MessageChannel();
    port1.unref();
    this.ports.set(lane, port1);
    // A rank that has ended cannot answer a flush.
    port1.once('close', () => {
      if (this.ports.get(lane) === port1) this.ports.delete(lane);
    });
    return { data: { rankTrace: { ...this.spec(lane, label), port: port2 } }, transferList: [port2] };
  }

  /** A rank process's environment entry. */
  forProcess(lane: number, label?: string): Record<string, string> {
    return { RANKS_TRACE_RANK: JSON.stringify(this.spec(lane, label)) };
  }

  /**
   * Rank threads about to be stopped: each writes its part (open spans end there,
   * unfinished) and says so; resolves once all have, or after FLUSH_MS (a rank busy in its
   * own code cannot answer; its lane then ends where it is missing).
   */
  flushThreads(lanes: readonly number[], reason: string): Promise<void> {
    const waits = lanes.map((lane) => {
      const port = this.ports.get(lane);
      if (!port) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, FLUSH_MS);
        const end = (): void => {
          clearTimeout(timer);
          resolve();
        };
        port.once('message', end);
        port.once('close', end);
        port.unref(); // a listener refs the port; the timer keeps this wait alive
        port.postMessage({ type: 'flush', reason } satisfies TracePortMessage);
      });
    });
    return Promise.all(waits).then(() => undefined);
  }

  /** Rank processes about to get SIGTERM: why (their handler writes it into their part). */
  tellReason(reason: string): void {
    try {
      writeFileSync(reasonFile(this.dir), reason);
    } catch {
      // the folder is gone: nothing to tell
    }
  }

  /** Every rank has ended: writes the trace and profile from their parts, removes the folder. */
  finish(outcome: Omit<JobOutcome, 'size' | 'transport'>): void {
    for (const port of this.ports.values()) port.close();
    try {
      writeOutputs(readParts(this.dir, this.job), { ...outcome, size: this.size, transport: this.transport }, this.out);
    } catch (err) {
      process.stderr.write(`ranks: could not write the trace or profile: ${(err as Error).message}\n`);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The job's error as the trace says it: `DeadlockError: ...`. */
export function describeFailure(err: Error): string {
  return `${err.name}: ${err.message}`;
}

/** The job's trace when `trace` or `profile` asks for one (launch() options). */
export function jobTrace(options: Partial<Outputs>, size: number, transport: string): JobTrace | undefined {
  if (options.trace === undefined && options.profile === undefined) return undefined;
  return new JobTrace({ trace: options.trace, profile: options.profile }, size, transport);
}
