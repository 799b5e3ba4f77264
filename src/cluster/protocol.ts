// The messages between a cluster (the driver) and its engines, in one place. They travel
// beside the engines' own world: a MessagePort for thread engines, the IPC channel
// (advanced serialization: structured clone) for process engines. Every request carries
// an id; its answer (`done`) carries the same id, and output written while it runs is
// tagged with it.

/** What a request asks an engine to do. */
export type Job =
  /** Runs `code` in the engine's context (top-level await; declarations persist). */
  | { op: 'execute'; code: string }
  /** Calls a function: its source (run in the engine's context, so it sees the engine's variables), or a module's export. */
  | { op: 'apply'; module: string | null; name: string; args: unknown[] }
  /** Sets variables of the engine's context. */
  | { op: 'push'; values: Record<string, unknown> }
  /** Reads variables of the engine's context. */
  | { op: 'pull'; names: string[] };

/** Driver → engine. */
export type ToEngine =
  | { type: 'cluster:run'; id: number; job: Job }
  /** Stops request `id` if it still runs: its pending ranks operations fail, and it ends with `error`. */
  | { type: 'cluster:stop-input'; id: number; error: EngineError }
  /** Leaves the serving loop; the engine ends. */
  | { type: 'cluster:bye' };

/** An error as it crosses to the driver: enough to rebuild it (name, message, code, stack). */
export interface EngineError {
  name: string;
  message: string;
  stack?: string | undefined;
  code?: string | undefined;
}

/** Engine → driver. */
export type FromEngine =
  /** The engine has its context and waits for requests. */
  | { type: 'cluster:ready'; rank: number }
  /** A line (or lines) the running request wrote; `id` 0 when no request ran (a timer of an earlier one). */
  | { type: 'cluster:output'; id: number; stream: 'stdout' | 'stderr'; text: string }
  /** Request `id` ended: with its value (`display`: how Node's REPL would show it), or with an error. */
  | { type: 'cluster:done'; id: number; ok: true; value: unknown; display: string }
  | { type: 'cluster:done'; id: number; ok: false; error: EngineError }
  /** A process engine runs the synchronous top level of input `id` now (0: it has returned): only then may SIGINT reach it. */
  | { type: 'cluster:sync'; id: number };

/** True for a message of this protocol (process engines share their IPC channel with the supervisor's messages). */
export function isClusterMessage(m: unknown): m is FromEngine {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string' && (m as { type: string }).type.startsWith('cluster:');
}

/** `err` as it crosses a thread or process. */
export function describe(err: unknown): EngineError {
  if (err instanceof Error || (typeof err === 'object' && err !== null && 'message' in err)) {
    const e = err as Error & { code?: unknown };
    return {
      name: String(e.name ?? 'Error'),
      message: String(e.message),
      stack: typeof e.stack === 'string' ? e.stack : undefined,
      code: typeof e.code === 'string' ? e.code : undefined,
    };
  }
  return { name: 'Error', message: `Uncaught ${String(err)}`, stack: undefined, code: undefined };
}

/** The error `e` describes, rebuilt on this side (same name, message, code, stack), with the engine that raised it. */
export function rebuild(e: EngineError, engine: number): Error & { engine: number; code?: string } {
  const err = new Error(e.message) as Error & { engine: number; code?: string };
  Object.defineProperty(err, 'name', { value: e.name, configurable: true, writable: true });
  if (e.code !== undefined) err.code = e.code;
  err.stack = e.stack ?? `${e.name}: ${e.message}`;
  err.engine = engine;
  return err;
}
