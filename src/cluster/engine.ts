// The engine side of a cluster: one rank of the engines' world that waits for requests and
// runs them in its own global scope (the engine's namespace, as IPython's engines have
// `__main__`), so what one input declares the next one sees. A thread engine
// (engine-thread.ts) and a process engine (engine-process.ts) differ only in their channel
// to the driver; both serve here.
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import vm from 'node:vm';
import { MessageChannel } from 'node:worker_threads';
import type { Communicator } from '../comm/communicator.ts';
import { loadTask } from '../pool/load.ts';
import type { TransportOp } from '../transport/op.ts';
import type { Transport } from '../transport/transport.ts';
import { describe, type EngineError, type FromEngine, type Job, type ToEngine } from './protocol.ts';
import { wrapInput } from './transform.ts';

/** How an engine talks to its driver. */
export interface EngineChannel {
  post(m: FromEngine): void;
  /** Calls `on` with every request; the engine never stops listening until `bye`. */
  listen(on: (m: ToEngine) => void): void;
  /** Processes: SIGINT breaks a synchronous loop at the top of an input (vm's breakOnSigint). */
  breakOnSigint: boolean;
  /** Called with the id of the request the engine starts, and 0 when it is idle again: a process engine lets its channel keep it alive only while idle. */
  busy?(id: number): void;
  /**
   * Called with the id of the input whose top level (the code before its first await)
   * runs synchronously now, and 0 once it has returned: a thread engine tells the
   * driver's breaker, which may end such code only (break-thread.ts); a process engine
   * tells the driver, which sends SIGINT to such code only.
   */
  syncSection?(id: number): void;
  /** Called after `bye`: the engine ends. */
  end(): void;
}

/** A request that runs: its id, and how to stop it. */
interface Running {
  id: number;
  stop: (err: Error) => void;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Serves requests on `comm` (the engines' world) until `bye`. Requests run one after the
 * other, in the order they came. While one runs, the ranks operations it starts are
 * tracked, so stopping it (an interrupt, a deadlock) fails them and the input ends.
 */
export function serveEngine(comm: Communicator, channel: EngineChannel, library: object): { running(): number } {
  const starter = new Starter();
  const pending = trackOps((comm as unknown as { transport: Transport }).transport);
  let running: Running | undefined;
  const queue: Extract<ToEngine, { type: 'cluster:run' }>[] = [];
  const g = globalThis as Record<string, unknown>;

  const output = (stream: 'stdout' | 'stderr'): Writable =>
    new Writable({
      decodeStrings: false,
      write(chunk: string | Buffer, _enc, done) {
        channel.post({ type: 'cluster:output', id: running?.id ?? 0, stream, text: String(chunk) });
        done();
      },
    });
  // Everything written through console (the input's own, and any module's it calls) is its output.
  const console = new Console({ stdout: output('stdout'), stderr: output('stderr') });
  Object.defineProperty(globalThis, 'console', { value: console, writable: true, configurable: true });
  Object.assign(g, { comm, rank: comm.rank, size: comm.size, ranks: library });

  const next = (): void => {
    if (running || queue.length === 0) return;
    const { id, job } = queue.shift()!;
    let stop!: (err: Error) => void;
    const stopped = new Promise<never>((_resolve, reject) => (stop = reject));
    running = { id, stop };
    channel.busy?.(id);
    // The request's code starts in a task of its own: terminating it (break-thread.ts) then
    // unwinds that task alone, never this bookkeeping.
    // An input stopped before its task came (an interrupt right after it was sent) never runs.
    const input = new Promise((resolve) => starter.start(() => running?.id === id && resolve(run(job, id, channel))));
    void Promise.race([input, stopped]).then(
      (value) => finish(id, { type: 'cluster:done', id, ok: true, value, display: job.op === 'execute' ? inspect(value) : '' }),
      (err: unknown) => finish(id, { type: 'cluster:done', id, ok: false, error: describe(interrupted(err)) }),
    );
  };

  const finish = (id: number, m: FromEngine): void => {
    if (running?.id !== id) return;
    running = undefined;
    try {
      channel.post(m);
    } catch (err) {
      // A value that cannot cross (a function, a socket): say how it looks instead.
      if (m.type !== 'cluster:done' || !m.ok) throw err;
      channel.post({ ...m, value: undefined, display: m.display || inspect(m.value) });
    }
    pending.clear();
    channel.busy?.(0);
    next();
  };

  channel.listen((m) => {
    if (m.type === 'cluster:run') {
      queue.push(m);
      next();
    } else if (m.type === 'cluster:stop-input') {
      const queued = queue.findIndex((q) => q.id === m.id);
      if (queued >= 0) {
        queue.splice(queued, 1);
        channel.post({ type: 'cluster:done', id: m.id, ok: false, error: m.error });
      } else if (running?.id === m.id) {
        const err = rebuildHere(m.error);
        pending.cancelAll(err);
        running.stop(err);
      }
    } else if (m.type === 'cluster:bye') {
      channel.end();
    }
  });
  channel.post({ type: 'cluster:ready', rank: comm.rank });
  return { running: () => running?.id ?? 0 };
}

function rebuildHere(e: EngineError): Error {
  const err = new Error(e.message);
  Object.defineProperty(err, 'name', { value: e.name, configurable: true, writable: true });
  if (e.code !== undefined) Object.assign(err, { code: e.code });
  err.stack = `${e.name}: ${e.message}`;
  return err;
}

/** Runs one request in this engine's global scope. */
async function run(job: Job, id: number, channel: EngineChannel): Promise<unknown> {
  const g = globalThis as Record<string, unknown>;
  switch (job.op) {
    case 'execute': {
      const { script } = wrapInput(job.code);
      channel.syncSection?.(id);
      let value: Promise<unknown>;
      try {
        value = vm.runInThisContext(script, {
          filename: 'input',
          breakOnSigint: channel.breakOnSigint,
          importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
        }) as Promise<unknown>;
      } finally {
        channel.syncSection?.(0);
      }
      return await value;
    }
    case 'apply': {
      const fn =
        job.module === null
          ? (vm.runInThisContext(`(${job.name})`, { filename: 'apply', importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER }) as (
              ...a: unknown[]
            ) => unknown)
          : await loadTask(job.module, job.name);
      return await fn(...job.args);
    }
    case 'push':
      Object.assign(g, job.values);
      return undefined;
    case 'pull':
      return job.names.map((name) => {
        if (!IDENTIFIER.test(name) || !(name in g))
          throw Object.assign(new Error(`No variable \`${name}\` on engine ${String(g.rank)}`), { code: 'ERR_INVALID_ARG', name: 'InvalidArgumentError' });
        return g[name];
      });
  }
}

/** The ranks operations started on a transport, so that stopping an input can fail the ones it left waiting. */
interface Tracked {
  cancelAll(err: Error): void;
  clear(): void;
}

/** Wraps the transport's operations that can wait (receives, probes, sends, shared segments) so each pending one is remembered. */
function trackOps(t: Transport): Tracked {
  const ops = new Set<TransportOp<unknown>>();
  const keep = <T>(op: TransportOp<T>): TransportOp<T> => {
    if (!op.done) ops.add(op as TransportOp<unknown>);
    if (ops.size > 256) for (const o of ops) if (o.done) ops.delete(o);
    return op;
  };
  const m = t as unknown as Record<string, (...a: unknown[]) => TransportOp<unknown>>;
  for (const name of ['send', 'recv', 'probe', 'mprobe'] as const) {
    const original = m[name]!.bind(t);
    m[name] = (...a: unknown[]) => keep(original(...a));
  }
  const segments = t.segments as unknown as Record<string, (...a: unknown[]) => TransportOp<unknown>> | undefined;
  if (segments?.peer) {
    const peer = segments.peer.bind(segments);
    segments.peer = (...a: unknown[]) => keep(peer(...a));
  }
  return {
    cancelAll(err) {
      for (const op of ops) if (!op.done) op.cancel(err);
      ops.clear();
    },
    clear() {
      for (const o of ops) if (o.done) ops.delete(o);
    },
  };
}

// SIGINT that broke an input's synchronous code (a process engine's interrupt) is an interrupt like any other.
function interrupted(err: unknown): unknown {
  if ((err as { code?: unknown } | null)?.code !== 'ERR_SCRIPT_EXECUTION_INTERRUPTED') return err;
  return Object.assign(new Error('The input was interrupted'), { name: 'CancelledError', code: 'ERR_CANCELLED' });
}

/**
 * Starts each request's code in a task of its own, a message on a private channel: code
 * terminated there (break-thread.ts) unwinds that message's callback alone, which Node
 * survives, where a timer's or an immediate's would leave Node's own bookkeeping broken.
 */
class Starter {
  private readonly channel = new MessageChannel();
  private readonly tasks: (() => void)[] = [];

  constructor() {
    this.channel.port2.on('message', () => {
      const task = this.tasks.shift();
      // Once its code runs, the request holds the engine alive, never this channel.
      if (this.tasks.length === 0) this.channel.port2.unref();
      task?.();
    });
    this.channel.port1.unref();
    this.channel.port2.unref();
  }

  start(task: () => void): void {
    this.tasks.push(task);
    // Until the task runs, this channel keeps the event loop going: a process engine has
    // just let go of its IPC channel, and an empty loop there would run `beforeExit`,
    // whose keep-alive would then count against every deadlock check of the input.
    this.channel.port2.ref();
    this.channel.port1.postMessage(0);
  }
}
