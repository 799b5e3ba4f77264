import { writeFileSync } from 'node:fs';
import { installTransport } from './installed.ts';
import {
  INIT_ENV,
  earlyFile,
  errorFile,
  leftoverFile,
  linksFile,
  socketPath,
  type ErrorReport,
  type ExitReport,
  type ProcessRankInit,
  type ToLauncher,
} from './messages.ts';
import { ProcessesTransport, type ProcessesTransportOptions } from './transport.ts';

/** This process's rank description, taken out of the environment (its children must not inherit it). */
export function takeInit(): ProcessRankInit {
  const text = process.env[INIT_ENV];
  delete process.env[INIT_ENV];
  if (!text || !process.send) throw new Error('This module is started by ranks for a rank process; it cannot run on its own');
  return JSON.parse(text) as ProcessRankInit;
}

/** Sends a message to the parent; resolves once it is written (or the parent is gone). */
export function tell(message: ToLauncher): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(message, undefined, {}, () => resolve());
  });
}

/** Leaves the error a rank dies of where its launcher reads it after the exit (a file: written before the process ends, whatever the IPC channel does). */
export function reportError(init: ProcessRankInit, err: unknown): void {
  const e = err instanceof Error ? (err as Error & { code?: unknown }) : undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const report: ErrorReport = { name: e?.name ?? 'Error', message: e ? e.message : String(err), stack: e?.stack, code };
  try {
    writeFileSync(errorFile(init.dir, init.rank), JSON.stringify(report));
  } catch {
    // The job's folder is gone: the launcher has already ended the job.
  }
}

/**
 * Makes this process's transport and installs it for world(); failures are reported to
 * the job folder, and an orphaned rank (its launcher died) exits. Resolves once it listens.
 */
export async function startRank(init: ProcessRankInit, options: Partial<ProcessesTransportOptions> = {}): Promise<ProcessesTransport> {
  const transport = new ProcessesTransport({
    rank: init.rank,
    size: init.size,
    lines: init.lines,
    address: (r) => socketPath(init.dir, r),
    early: (peer) => earlyFile(init.dir, peer, init.rank),
    // MPI_Abort does not return: the launcher hears of it, then this rank ends.
    onAbort: (code, reason) => void tell({ type: 'abort', code, reason }).then(() => process.exit(code)),
    ...options,
  });
  installTransport(transport);
  process.on('uncaughtExceptionMonitor', (err) => reportError(init, err));
  process.on('exit', () => {
    const exit: ExitReport = { connected: transport.connectedPeers(), unsent: transport.unsent() };
    try {
      // A clean exit's `exited` notices say which ranks will see a connection of ours close.
      if (exit.connected.length || exit.unsent) writeFileSync(linksFile(init.dir, init.rank), JSON.stringify(exit));
      // Sends to ranks not connected yet (process.exit() right after them): the peers read them from here.
      for (const [dest, chunks] of transport.unconnected()) writeFileSync(earlyFile(init.dir, init.rank, dest), Buffer.concat(chunks));
    } catch {
      // The job's folder is gone: the job is over.
    }
    const n = transport.leftover();
    if (n > 0) {
      try {
        writeFileSync(leftoverFile(init.dir, init.rank), String(n));
      } catch {
        // As above: the job is over.
      }
    }
  });
  // An orphan (its launcher or pool is gone, maybe before this listener was added) ends.
  process.on('disconnect', () => process.exit(process.exitCode ?? 1));
  if (!process.connected) process.exit(1);
  await transport.listening;
  return transport;
}
