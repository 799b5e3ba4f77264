import type { MessagePort } from 'node:worker_threads';
import type { SpawnReply, SpawnRequest, SpawnedInit } from '../../spawn/protocol.ts';

/**
 * Everything that crosses threads by postMessage in the threads transport, typed in one
 * place. Only setup and supervision use postMessage; messages travel through rings.
 */

/** What the launcher gives each rank, as `workerData.ranks`. */
export interface RankInit {
  jobId: string;
  rank: number;
  size: number;
  control: SharedArrayBuffer;
  /** The rank's end of its channel to the launcher. */
  port: MessagePort;
  script: string;
  tagOutput: boolean;
  /** A spawned rank's world (its ranks' lines, in world order) and its parents (see spawn/). */
  spawned?: SpawnedInit;
}

/** Rank → launcher. */
export type ToLauncher =
  | { type: 'link'; from: number; to: number; ring: SharedArrayBuffer; bulk: SharedArrayBuffer }
  | { type: 'segment'; from: number; gen: number; segment: SharedArrayBuffer }
  | { type: 'share'; from: number; to: number; key: string; buffers: SharedArrayBuffer[] }
  | { type: 'abort'; rank: number; code: number; reason: string }
  | { type: 'leftover'; rank: number; messages: number }
  | { type: 'spawn'; rank: number; request: SpawnRequest };

/** Launcher → rank. */
export type ToRank =
  | { type: 'link'; from: number; ring: SharedArrayBuffer; bulk: SharedArrayBuffer }
  | { type: 'segment'; from: number; gen: number; segment: SharedArrayBuffer }
  | { type: 'share'; from: number; to: number; key: string; buffers: SharedArrayBuffer[] }
  | { type: 'spawned'; reply: SpawnReply };
