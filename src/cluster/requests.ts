// The driver's book of requests: what each engine has been asked, in order (an engine runs
// its requests one after the other), the output each one wrote, and how each ended.
import { RankFailedError } from '../errors.ts';
import type { RankEnd } from '../supervise/rank.ts';
import type { EngineHost } from './engines.ts';
import { rebuild, type EngineError, type FromEngine, type Job } from './protocol.ts';

/** A piece of output an engine wrote while a request ran (console.log, console.error...). */
export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** Called with each piece of output as it arrives (the REPL streams it). */
export type OutputListener = (engine: number, chunk: OutputChunk) => void;

/** How one request ended on one engine. */
export interface EngineResult<T = unknown> {
  /** The engine (its rank in the engines' world). */
  engine: number;
  /** True when the request ended with a value, false when with an error. */
  ok: boolean;
  /** The value (an input's last expression; a function's result); undefined on error, or when it could not cross (see `display`). */
  value: T | undefined;
  /** How Node's REPL would show the value (`util.inspect`), for execute; '' otherwise. */
  display: string;
  /** What it ended with: the engine's error rebuilt here (name, message, `code`, stack; `engine` says where). */
  error: (Error & { engine: number; code?: string }) | undefined;
  /** Everything it wrote through console, in order. */
  output: OutputChunk[];
  /** Its standard output, joined. */
  stdout: string;
  /** Its standard error, joined. */
  stderr: string;
}

/** What an engine is doing now (the REPL's `.ranks`). */
export interface EngineState {
  engine: number;
  /** False once the engine has ended (a crash, `process.exit()` in an input). */
  alive: boolean;
  /** True while it runs a request. */
  busy: boolean;
  /** What it runs: the request's kind and the first line of its code. */
  running: string | undefined;
  /** When it started it (`Date.now()`). */
  since: number | undefined;
  /** Requests waiting behind it. */
  queued: number;
}

interface Out {
  engine: number;
  what: string;
  output: OutputChunk[];
  onOutput: OutputListener | undefined;
  since: number | undefined;
  settle: (r: EngineResult) => void;
}

export class Requests {
  private nextId = 1;
  private readonly byId = new Map<number, Out>();
  private readonly queues: number[][];
  private readonly ends: (RankEnd | undefined)[] = [];
  /** Output written while no request ran (a timer an earlier input left). */
  onStray: OutputListener | undefined;

  constructor(
    private readonly host: EngineHost,
    readonly size: number,
  ) {
    this.queues = Array.from({ length: size }, () => []);
  }

  /** Asks `engine` to run `job`; resolves with how it ended (never rejects). */
  submit(engine: number, job: Job, onOutput?: OutputListener): Promise<EngineResult> {
    const id = this.nextId++;
    return new Promise((settle) => {
      const end = this.ends[engine];
      const out: Out = { engine, what: describeJob(job), output: [], onOutput, since: undefined, settle };
      if (end) return settle(result(out, { ok: false, error: deadError(engine, end) }));
      this.byId.set(id, out);
      const queue = this.queues[engine]!;
      queue.push(id);
      if (queue.length === 1) out.since = Date.now();
      this.host.send(engine, { type: 'cluster:run', id, job });
    });
  }

  onMessage(engine: number, m: FromEngine): void {
    if (m.type === 'cluster:output') {
      const chunk = { stream: m.stream, text: m.text };
      const out = this.byId.get(m.id);
      if (out) {
        out.output.push(chunk);
        out.onOutput?.(engine, chunk);
      } else this.onStray?.(engine, chunk);
    } else if (m.type === 'cluster:done') {
      const out = this.byId.get(m.id);
      if (!out) return;
      this.finish(m.id, out, m.ok ? { ok: true, value: m.value, display: m.display } : { ok: false, error: rebuild(m.error, engine) });
    }
  }

  /** The engine has ended: every request it holds fails with RankFailedError. */
  onEnded(engine: number, end: RankEnd): void {
    this.ends[engine] = end;
    for (const id of [...this.queues[engine]!]) this.finish(id, this.byId.get(id)!, { ok: false, error: deadError(engine, end) });
  }

  /** Stops the request `engine` runs and (with `queued`) those behind it, each ending with `error`; the ids asked. */
  stop(engine: number, error: EngineError, queued = true): number[] {
    const ids = queued ? [...this.queues[engine]!] : this.queues[engine]!.slice(0, 1);
    for (const id of ids) this.host.send(engine, { type: 'cluster:stop-input', id, error });
    return ids;
  }

  /** Resolves once none of `ids` is outstanding. */
  async settled(ids: readonly number[]): Promise<void> {
    for (;;) {
      const left = ids.find((id) => this.byId.has(id));
      if (left === undefined) return;
      await this.whenDone(left);
    }
  }

  private readonly waiters = new Map<number, (() => void)[]>();

  private whenDone(id: number): Promise<void> {
    return new Promise((resolve) => {
      const list = this.waiters.get(id) ?? [];
      list.push(resolve);
      this.waiters.set(id, list);
    });
  }

  busy(): boolean[] {
    return this.queues.map((q, engine) => q.length > 0 && !this.ends[engine]);
  }

  /** The id of the request each engine runs (0: idle or ended). */
  running(): number[] {
    return this.queues.map((q, engine) => (this.ends[engine] ? 0 : (q[0] ?? 0)));
  }

  alive(engine: number): boolean {
    return this.ends[engine] === undefined;
  }

  states(): EngineState[] {
    return this.queues.map((q, engine) => {
      const head = q[0] === undefined ? undefined : this.byId.get(q[0]);
      return { engine, alive: !this.ends[engine], busy: head !== undefined, running: head?.what, since: head?.since, queued: Math.max(0, q.length - 1) };
    });
  }

  private finish(id: number, out: Out, how: { ok: true; value: unknown; display: string } | { ok: false; error: EngineResult['error'] }): void {
    this.byId.delete(id);
    const queue = this.queues[out.engine]!;
    const at = queue.indexOf(id);
    if (at >= 0) queue.splice(at, 1);
    const head = queue[0] === undefined ? undefined : this.byId.get(queue[0]);
    if (head && head.since === undefined) head.since = Date.now();
    out.settle(result(out, how));
    for (const w of this.waiters.get(id) ?? []) w();
    this.waiters.delete(id);
  }
}

function result(out: Out, how: { ok: true; value: unknown; display: string } | { ok: false; error: EngineResult['error'] }): EngineResult {
  const join = (s: OutputChunk['stream']): string =>
    out.output
      .filter((c) => c.stream === s)
      .map((c) => c.text)
      .join('');
  return {
    engine: out.engine,
    ok: how.ok,
    value: how.ok ? how.value : undefined,
    display: how.ok ? how.display : '',
    error: how.ok ? undefined : how.error,
    output: out.output,
    stdout: join('stdout'),
    stderr: join('stderr'),
  };
}

function deadError(engine: number, end: RankEnd): Error & { engine: number } {
  const why = end.error ? `${end.error.name}: ${end.error.message}` : end.signal ? `killed by ${end.signal}` : `exited with code ${end.code}`;
  return Object.assign(new RankFailedError(engine, end.code || 1, `Engine ${engine} has ended (${why})`, end.error ? { cause: end.error } : undefined), {
    engine,
  });
}

function describeJob(job: Job): string {
  switch (job.op) {
    case 'execute':
      return `execute: ${job.code.trim().split('\n')[0] ?? ''}`;
    case 'apply':
      return `apply: ${job.module === null ? job.name.split('\n')[0] : `${job.module}#${job.name}`}`;
    case 'push':
      return `push: ${Object.keys(job.values).join(', ')}`;
    case 'pull':
      return `pull: ${job.names.join(', ')}`;
  }
}
