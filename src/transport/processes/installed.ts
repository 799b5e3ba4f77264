import type { ProcessesTransport } from './transport.ts';

// One slot per process, on globalThis: the entry module makes the transport before the
// user's script runs, and world() finds it even if the script loaded another copy of ranks.
const KEY = Symbol.for('ranks.processes.transport');

/** The transport this rank process runs on, if it is one. */
export function installedTransport(): ProcessesTransport | undefined {
  return (globalThis as Record<symbol, ProcessesTransport | undefined>)[KEY];
}

export function installTransport(t: ProcessesTransport): void {
  (globalThis as Record<symbol, ProcessesTransport | undefined>)[KEY] = t;
}
