import { join } from 'node:path';

/**
 * Everything that crosses between a launcher (or a pool) and its rank processes outside
 * the sockets, typed in one place: the rank's start-up description, the IPC messages, and
 * the files a rank leaves in the job's folder for reports that must survive its exit.
 */

/** The environment variable that carries a ProcessRankInit (JSON); a rank removes it at once, so its own children do not see it. */
export const INIT_ENV = 'RANKS_PROCESS_RANK';

/** What each rank process is told at start. */
export interface ProcessRankInit {
  jobId: string;
  rank: number;
  size: number;
  /** The job's private folder: one listening socket per rank, and the reports ranks leave. */
  dir: string;
  /** The user's script (launcher) or the pool's worker (pools). */
  script: string;
}

/** Rank → launcher, over the IPC channel. */
export type ToLauncher =
  | { type: 'ready' }
  | { type: 'abort'; code: number; reason: string }
  | { type: 'waiting'; rank: number; what: string };

/** Launcher → rank: `go` once every rank listens; `report` asks what the rank waits for (a hung job). */
export type ToRank = { type: 'go' } | { type: 'report' };

/** An error a rank died of, written to `errorFile` before it exits. */
export interface ErrorReport {
  name: string;
  message: string;
  stack: string | undefined;
  code?: string | undefined;
}

export function socketPath(dir: string, rank: number): string {
  return join(dir, `${rank}.sock`);
}

export function errorFile(dir: string, rank: number): string {
  return join(dir, `${rank}.error.json`);
}

export function leftoverFile(dir: string, rank: number): string {
  return join(dir, `${rank}.leftover`);
}
