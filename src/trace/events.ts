// What a rank records (a raw event) and what it leaves for the launcher (a part): plain
// data, so a part crosses threads and processes as JSON. collect.ts turns parts into the
// Chrome trace-event file (see /work/notes/trace-format.md and the README).

/** What a span is about; the Chrome event's `cat`. */
export type SpanCat = 'p2p' | 'coll.msg' | 'coll' | 'wait' | 'task';

/** One span on a rank: from `t0` to `t1` (epoch microseconds), or still open (`t1` undefined). */
export interface RawSpan {
  cat: SpanCat;
  name: string;
  t0: number;
  t1: number | undefined;
  /** Messages: the communicator's context (even: point-to-point; odd: its collectives). */
  ctx?: number;
  /** Messages: the other rank (world numbering); for flows and the matrix. */
  peerWorld?: number;
  /** Messages: the flow's ordinal among (ctx, sender, receiver, tag); see flows.ts. */
  seq?: number;
  /** Messages: true for a send, false for a receive. */
  out?: boolean;
  /** The call site (profiling only): the first stack line outside ranks. */
  site?: string;
  args: SpanArgs;
}

/** The `args` of a span as the trace shows them. */
export interface SpanArgs {
  peer?: number;
  tag?: number;
  bytes?: number;
  comm?: string;
  root?: number;
  count?: number;
  unfinished?: boolean;
  [more: string]: unknown;
}

/** What one rank (or pool worker) recorded, as it writes it at its end. */
export interface Part {
  version: 1;
  /** The lane: world rank (pools: 0 the caller, 1..n workers). */
  rank: number;
  /** The world's size. */
  size: number;
  /** The lane's name: `rank 3`, `pool worker 2`. */
  label: string;
  transport: string;
  pid: number;
  /** Ties the parts of one job together (under mpiexec). */
  job: string;
  /** Epoch microseconds: when recording started and stopped. */
  started: number;
  stopped: number;
  /** Why it stopped: `exit`, `error: ...`, `stopped by the launcher: ...`, `SIGTERM`. */
  reason: string;
  /** Events dropped past the bound (the oldest ones). */
  dropped: number;
  limit: number;
  /** Spans, oldest first; open ones were closed at `stopped` with args.unfinished. */
  spans: RawSpan[];
}
