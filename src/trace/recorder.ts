// The per-rank recorder: spans kept in a bounded ring (the latest `limit` survive), the
// open ones in a set (closed as unfinished when the rank stops), and per-envelope counters
// that give each message its flow ordinal (flows.ts). Everything that records checks the
// `recording` binding first: when it is undefined (tracing off) that check is the cost.
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { now } from './clock.ts';
import type { Part, RawSpan, SpanArgs, SpanCat } from './events.ts';

/** How many spans a rank keeps by default (RANKS_TRACE_LIMIT). */
export const DEFAULT_LIMIT = 1_000_000;

/** What a recorder is told when it starts. */
export interface RecorderOptions {
  rank: number;
  size: number;
  label: string;
  transport: string;
  job: string;
  /** Spans kept; past it the oldest are dropped. */
  limit: number;
  /** Capture the call site of each span (profiling). */
  sites: boolean;
}

// The library's own folders (dist/, and src/ where source maps lead): stack lines inside them are not call sites.
const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const LIBRARY = [join(ROOT, 'dist') + sep, join(ROOT, 'src') + sep];

/** The first stack line outside ranks and node's internals: `at main (file:///app.ts:12:9)`. */
function callSite(): string | undefined {
  const stack = new Error().stack?.split('\n') ?? [];
  for (let i = 1; i < stack.length; i++) {
    const line = stack[i]!.trim();
    if (LIBRARY.some((l) => line.includes(l)) || line.includes('node:') || line.includes('node_modules/tsx/')) continue;
    return line.replace(/^at /, '');
  }
  return undefined;
}

/** One rank's recording; see the module comment. */
export class Recorder {
  private readonly ring: RawSpan[] = [];
  private next = 0;
  private dropped = 0;
  private readonly open = new Set<RawSpan>();
  private readonly seqs = new Map<string, number>();
  private readonly names = new Map<number, { name: string; local: ((w: number) => number) | undefined }>();
  readonly started = now();
  stoppedAt: number | undefined;

  constructor(readonly options: RecorderOptions) {}

  /** Opens a span now. */
  begin(cat: SpanCat, name: string, args: SpanArgs): RawSpan {
    const span: RawSpan = { cat, name, t0: now(), t1: undefined, args };
    if (this.options.sites) span.site = callSite();
    this.open.add(span);
    return span;
  }

  /** Closes `span` now and keeps it; `error` marks a span that failed. */
  end(span: RawSpan, error?: unknown): void {
    if (span.t1 !== undefined || this.stoppedAt !== undefined) return;
    span.t1 = now();
    if (error !== undefined) span.args.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    this.open.delete(span);
    this.keep(span);
  }

  /** Says which communicator a context belongs to (its name, and world → local ranks). */
  nameContext(context: number, name: string, local: ((w: number) => number) | undefined): void {
    this.names.set(context, { name, local });
    this.names.set(context + 1, { name, local });
  }

  /** A message span: cat p2p (even context) or coll.msg (odd: a collective's own). */
  message(out: boolean, name: string, context: number, peerWorld: number, tag: number, bytes: number | undefined): RawSpan {
    const c = this.names.get(context);
    const args: SpanArgs = { peer: c?.local && peerWorld >= 0 ? c.local(peerWorld) : peerWorld, tag, comm: c?.name ?? `context ${context}` };
    if (bytes !== undefined) args.bytes = bytes;
    const span = this.begin(context % 2 === 0 ? 'p2p' : 'coll.msg', name, args);
    span.ctx = context;
    span.peerWorld = peerWorld;
    span.out = out;
    if (out) span.seq = this.seq(`>${context}:${peerWorld}:${tag}`);
    return span;
  }

  /** A receive matched `source`'s message of `tag` and `bytes`: fills the span's envelope and ordinal. */
  matched(span: RawSpan, context: number, source: number, tag: number, bytes: number): void {
    const c = this.names.get(context);
    span.peerWorld = source;
    span.args.peer = c?.local ? c.local(source) : source;
    span.args.tag = tag;
    span.args.bytes = bytes;
    span.seq = this.seq(`<${context}:${source}:${tag}`);
  }

  /** The span of an awaited promise: opened now, closed when it settles. Returns `p`. */
  around<T>(p: Promise<T>, cat: SpanCat, name: string, args: SpanArgs): Promise<T> {
    const span = this.begin(cat, name, args);
    p.then(
      () => this.end(span),
      (err: unknown) => this.end(span, err),
    );
    return p;
  }

  /** Stops recording: open spans end now as unfinished; returns the part to write. */
  stop(reason: string): Part {
    const at = (this.stoppedAt ??= now());
    for (const span of this.open) {
      span.t1 = at;
      span.args.unfinished = true;
      this.keep(span);
    }
    this.open.clear();
    const o = this.options;
    const n = this.ring.length;
    const spans = n < o.limit ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return {
      version: 1,
      rank: o.rank,
      size: o.size,
      label: o.label,
      transport: o.transport,
      pid: process.pid,
      job: o.job,
      started: this.started,
      stopped: at,
      reason,
      dropped: this.dropped,
      limit: o.limit,
      spans,
    };
  }

  private seq(key: string): number {
    const n = this.seqs.get(key) ?? 0;
    this.seqs.set(key, n + 1);
    return n;
  }

  private keep(span: RawSpan): void {
    if (this.ring.length < this.options.limit) {
      this.ring.push(span);
      return;
    }
    this.ring[this.next] = span;
    this.next = (this.next + 1) % this.options.limit;
    this.dropped++;
  }
}

/** This thread's recorder while tracing is on; undefined (the one check) when off. */
export let recording: Recorder | undefined;

/** Starts this thread's recorder (once). */
export function startRecorder(options: RecorderOptions): Recorder {
  return (recording ??= new Recorder(options));
}

/** Stops this thread's recorder; returns its part, or undefined when none ran. */
export function stopRecorder(reason: string): Part | undefined {
  const r = recording;
  recording = undefined;
  return r?.stop(reason);
}
