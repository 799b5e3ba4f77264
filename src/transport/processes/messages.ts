import { join } from 'node:path';
import { VARIABLES } from '../../config/variables.ts';
import type { SpawnReply, SpawnRequest, SpawnedInit } from '../../spawn/protocol.ts';

/**
 * Everything that crosses between a launcher (or a pool) and its rank processes outside
 * the sockets, typed in one place: the rank's start-up description, the IPC messages, and
 * the files a rank leaves in the job's folder for reports that must survive its exit.
 */

/** The environment variable that carries a ProcessRankInit (JSON); a rank removes it at once, so its own children do not see it. */
export const INIT_ENV = VARIABLES.processRank.name;

/** What each rank process is told at start. */
export interface ProcessRankInit {
  jobId: string;
  rank: number;
  size: number;
  /** The job's private folder: one listening socket per rank, and the reports ranks leave. */
  dir: string;
  /** The user's script (launcher) or the pool's worker (pools). */
  script: string;
  /** Ranks the job may ever hold, spawned ones included (default `size`). */
  lines?: number;
  /** A spawned rank: its own world and its parents. */
  spawned?: SpawnedInit;
}

/** Rank → launcher, over the IPC channel. */
export type ToLauncher =
  | { type: 'ready' }
  | { type: 'abort'; code: number; reason: string }
  | { type: 'waiting'; rank: number; what: string }
  | { type: 'state'; rank: number; state: RankState }
  | { type: 'spawn'; request: SpawnRequest };

/**
 * Launcher → rank: `go` once every rank listens; `report` asks what the rank waits for (a
 * hung job); `state` asks for its part of a deadlock check; `exited` says that rank `rank`
 * has ended cleanly (`connected`: it had a connection to this rank, whose close tells
 * that all it sent is in).
 */
export type ToRank =
  { type: 'go' } | { type: 'report' } | { type: 'state' } | { type: 'exited'; rank: number; connected: boolean } | { type: 'spawned'; reply: SpawnReply };

/** A rank's answer to a deadlock check (see deadlock.ts). */
export interface RankState {
  /** Waiting in a receive or probe, with no send in progress and nothing but ranks to wake it (timers, other sockets, files). */
  blocked: boolean;
  /** Its oldest wait ('send': a synchronous send waiting for its receive). */
  op: 'recv' | 'probe' | 'send';
  peer: number;
  tag: number;
  /** Operations pending in all. */
  pending: number;
  /** Changes whenever the rank's ranks operations move. */
  sig: string;
  /** Messages sent, as [dest, count] pairs. */
  sent: [number, number][];
  /** Messages whose header arrived, as [source, count] pairs. */
  arrived: [number, number][];
}

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

/** What a rank leaves in `linksFile` as it exits. */
export interface ExitReport {
  /** The ranks it had a connection to: they will see it close once all it wrote is in. */
  connected: number[];
  /** Bytes of sends still queued on connected links (process.exit() before the socket took them): lost. */
  unsent: number;
}

/** A rank's ExitReport (JSON), for the launcher's `exited` notices. */
export function linksFile(dir: string, rank: number): string {
  return join(dir, `${rank}.links.json`);
}

/** What rank `from` wrote to rank `to` before their connection was made, left as it exited (greeting and frames, as on the wire). */
export function earlyFile(dir: string, from: number, to: number): string {
  return join(dir, `${from}-to-${to}.frames`);
}

export function leftoverFile(dir: string, rank: number): string {
  return join(dir, `${rank}.leftover`);
}
