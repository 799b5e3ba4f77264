// The profile of a job, computed from the same parts as its trace: per rank, the wall
// time, time inside ranks calls by kind, messages and bytes each way, the longest waits
// (with their call sites), and the communication matrix.
import type { Part, RawSpan } from './events.ts';

/** Messages and their bytes. */
export interface Traffic {
  messages: number;
  bytes: number;
}

/** One long wait: a receive, wait, send or collective that took long on one rank. */
export interface LongWait {
  rank: number;
  /** `recv`, `wait`, `send`, or the collective's name. */
  call: string;
  ms: number;
  /** The other rank (communicator numbering), and the tag, for messages. */
  peer?: number;
  tag?: number;
  comm?: string;
  /** Still waiting when the rank stopped. */
  unfinished?: boolean;
  /** The call site: the first stack line outside ranks. */
  site?: string;
}

/** One rank's figures. */
export interface RankProfile {
  rank: number;
  label: string;
  /** From the start of recording to the rank's end, in milliseconds. */
  wallMs: number;
  /** Time inside ranks calls by kind (`send`, `recv`, `wait`, `coll`, `task`), summed per call (concurrent calls each count). */
  timeMs: Record<string, number>;
  /** Per collective: calls, time and this rank's payload bytes (raw payloads only). */
  collectives: Record<string, { calls: number; ms: number; bytes: number }>;
  /** Point-to-point messages this rank sent and received (the user's; collectives' own are in `collectives`). */
  sent: Traffic;
  received: Traffic;
  /** Pool tasks run (pool workers). */
  tasks: number;
  /** Why it stopped (`exit`, `error: ...`). */
  reason: string;
}

/** A job's profile. */
export interface Profile {
  size: number;
  transport: string;
  ranks: RankProfile[];
  /** `bytes[from][to]` and `messages[from][to]`: point-to-point traffic by world rank. */
  matrix: { bytes: number[][]; messages: number[][] };
  /** The longest waits of the job, longest first (at most 10). */
  longestWaits: LongWait[];
}

const ms = (s: RawSpan): number => ((s.t1 ?? s.t0) - s.t0) / 1000;

function kindOf(s: RawSpan): string | undefined {
  if (s.cat === 'p2p') return s.out ? 'send' : 'recv';
  if (s.cat === 'coll' || s.cat === 'wait' || s.cat === 'task') return s.cat;
  return undefined;
}

/**
 * The profile of `parts` (see Profile).
 *
 * @example
 * const p = profileOf(readParts(dir)); p.matrix.bytes[0][1]; // bytes rank 0 sent rank 1
 */
export function profileOf(parts: readonly Part[]): Profile {
  const size = Math.max(parts[0]?.size ?? 0, ...parts.map((p) => p.rank + 1));
  const grid = (): number[][] => Array.from({ length: size }, () => new Array<number>(size).fill(0));
  const matrix = { bytes: grid(), messages: grid() };
  const waits: LongWait[] = [];
  const ranks = parts.map((p): RankProfile => {
    const r: RankProfile = {
      rank: p.rank,
      label: p.label,
      wallMs: (p.stopped - p.started) / 1000,
      timeMs: {},
      collectives: {},
      sent: { messages: 0, bytes: 0 },
      received: { messages: 0, bytes: 0 },
      tasks: 0,
      reason: p.reason,
    };
    for (const s of p.spans) {
      const kind = kindOf(s);
      if (kind === undefined) continue;
      const d = ms(s);
      r.timeMs[kind] = (r.timeMs[kind] ?? 0) + d;
      const bytes = s.args.bytes ?? 0;
      if (kind === 'send' && s.peerWorld !== undefined && s.peerWorld >= 0) {
        r.sent.messages++;
        r.sent.bytes += bytes;
        if (s.peerWorld < size) {
          matrix.bytes[p.rank]![s.peerWorld]! += bytes;
          matrix.messages[p.rank]![s.peerWorld]!++;
        }
      } else if (kind === 'recv' && !s.args.unfinished && !s.args.error) {
        r.received.messages++;
        r.received.bytes += bytes;
      } else if (kind === 'coll') {
        const c = (r.collectives[s.name] ??= { calls: 0, ms: 0, bytes: 0 });
        c.calls++;
        c.ms += d;
        c.bytes += bytes;
      } else if (kind === 'task') r.tasks++;
      if (kind !== 'task') {
        const w: LongWait = { rank: p.rank, call: kind === 'coll' ? s.name : kind, ms: d };
        if (s.args.peer !== undefined && s.args.peer >= 0) w.peer = s.args.peer;
        if (s.args.tag !== undefined && s.args.tag >= 0) w.tag = s.args.tag;
        if (s.args.comm !== undefined) w.comm = s.args.comm;
        if (s.args.unfinished) w.unfinished = true;
        if (s.site) w.site = s.site;
        waits.push(w);
      }
    }
    return r;
  });
  waits.sort((a, b) => b.ms - a.ms);
  return { size, transport: parts[0]?.transport ?? 'threads', ranks, matrix, longestWaits: waits.slice(0, 10) };
}
