// The driver's side of the engines: a running job of `size` ranks (threads or processes,
// started on the supervisors as launch() starts its ranks) whose world is the engines'
// alone, plus a channel to each beside that world. The cluster sees them through
// EngineHost, whichever transport runs them.
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { BlockedWait } from '../errors.ts';
import { prefixLines } from '../launch/output.ts';
import { ProcessSupervisor, type ProcessRank } from '../supervise/processes.ts';
import type { RankEnd } from '../supervise/rank.ts';
import { ThreadSupervisor, type ThreadRank } from '../supervise/threads.ts';
import { ProcessDeadlockDetector } from '../transport/processes/deadlock.ts';
import { makeJobDir, removeJobDir } from '../transport/processes/dir.ts';
import type { ToLauncher } from '../transport/processes/messages.ts';
import { DeadlockDetector } from '../transport/threads/deadlock.ts';
import { ThreadBreaker } from './break-thread.ts';
import { isClusterMessage, type FromEngine, type ToEngine } from './protocol.ts';

/** What the cluster hears from its engines. */
export interface EngineEvents {
  message(engine: number, m: FromEngine): void;
  /** The engine ended (asked, or not: a crash, `process.exit()` in an input). */
  ended(engine: number, end: RankEnd): void;
}

/** The engines of one cluster, on one transport. */
export interface EngineHost {
  readonly size: number;
  /** Settles once every engine serves (rejects if one ends first). */
  readonly ready: Promise<void>;
  send(engine: number, m: ToEngine): void;
  /**
   * Breaks the synchronous code of request `id` if the engine still runs it: threads
   * through the inspector (any synchronous loop), processes with SIGINT (a loop at the top
   * level of an input, before its first await). False when nothing was sent.
   */
  breakSync(engine: number, id: number): Promise<boolean>;
  /** How long an interrupt lets the engines stop by themselves before breakSync (0: at once; SIGINT is harmless to an engine that waits). */
  readonly breakAfterMs: number;
  /**
   * One round of deadlock checking among the busy engines (`running[e]`: the id of the
   * request engine e runs, 0 when idle): the waits once they are all blocked on each
   * other. What was seen about other requests never counts.
   */
  checkDeadlock(running: readonly number[]): BlockedWait[] | undefined;
  /** Ends every engine (asks, then forces after `graceMs`); resolves once all have ended and everything is released. */
  close(graceMs: number): Promise<void>;
}

/** Starts `size` engines as worker threads of this process. */
export function threadEngines(size: number, events: EngineEvents): EngineHost {
  const supervisor = new ThreadSupervisor({ size, announceExits: true, keepRings: true });
  // Slot e: the input whose synchronous top level engine e runs now (0: none), written by the engine.
  const running = new Int32Array(new SharedArrayBuffer(4 * size));
  const breaker = new ThreadBreaker();
  const entry = new URL('./engine-thread.js', import.meta.url);
  let detector = new DeadlockDetector(supervisor.ctl, size, supervisor.rings);
  let seen = '';
  const ports: MessagePort[] = [];
  const handles: ThreadRank[] = [];
  const outputs: Promise<void>[] = [];
  const served: Promise<void>[] = [];
  for (let rank = 0; rank < size; rank++) {
    const { port1, port2 } = new MessageChannel();
    const h = supervisor.start(rank, {
      entry,
      script: 'cluster-engine',
      name: `engine ${rank}`,
      data: { cluster: { port: port2, running: running.buffer } },
      transferList: [port2],
      pipeOutput: true,
    });
    // Writes that bypass console (process.stdout.write) are not an input's: they go to this process's output, tagged.
    outputs.push(prefixLines(h.worker.stdout, process.stdout, rank), prefixLines(h.worker.stderr, process.stderr, rank));
    served.push(untilReady(port1, h.ended));
    port1.on('message', (m: FromEngine) => events.message(rank, m));
    port1.unref();
    void h.ended.then((end) => {
      port1.close();
      events.ended(rank, end);
    });
    ports.push(port1);
    handles.push(h);
  }
  return {
    size,
    ready: Promise.all(served).then(() => undefined),
    send: (engine, m) => ports[engine]!.postMessage(m),
    async breakSync(engine, id) {
      const h = handles[engine]!;
      if (!h.running || Atomics.load(running, engine) !== id) return false;
      return breaker.terminate(h.worker.threadId);
    },
    breakAfterMs: 200,
    checkDeadlock(running) {
      // Pictures seen while other requests ran say nothing about these.
      if (running.join() !== seen) {
        seen = running.join();
        detector = new DeadlockDetector(supervisor.ctl, size, supervisor.rings);
      }
      return detector.check(running.map((id) => id !== 0));
    },
    async close(graceMs) {
      for (const h of handles) if (h.running) ports[h.rank]!.postMessage({ type: 'cluster:bye' } satisfies ToEngine);
      const forced = setTimeout(() => handles.forEach((h) => supervisor.stop(h.rank)), graceMs);
      await Promise.all(handles.map((h) => h.ended));
      clearTimeout(forced);
      breaker.close();
      await Promise.all(outputs);
    },
  };
}

// Resolves at the engine's `ready` message (it serves from then on); rejects if it ends first.
function untilReady(port: MessagePort, ended: Promise<RankEnd>): Promise<void> {
  return new Promise((resolve, reject) => {
    const on = (m: FromEngine): void => {
      if (m.type !== 'cluster:ready') return;
      port.off('message', on);
      resolve();
    };
    port.on('message', on);
    void ended.then((end) => reject(end.error ?? new Error(`Engine ended with code ${end.code} before it served`)));
  });
}

/** Starts `size` engines as child processes, joined by Unix sockets in a private folder. */
export function processEngines(size: number, events: EngineEvents): EngineHost {
  const dir = makeJobDir();
  let detector = new ProcessDeadlockDetector();
  let seen = '';
  let running: readonly number[] = [];
  // Engine e runs the synchronous top level of input syncOf[e] now (0: none), as it last said.
  const syncOf = new Array<number>(size).fill(0);
  const readyOnes: ((engine: number) => void)[] = [];
  const supervisor = new ProcessSupervisor({
    dir,
    size,
    announceExits: true,
    serialization: 'advanced',
    onMessage: (rank, m: ToLauncher | FromEngine) => {
      if (isClusterMessage(m)) {
        if (m.type === 'cluster:ready') readyOnes[rank]?.(rank);
        if (m.type === 'cluster:sync') syncOf[rank] = m.id;
        else events.message(rank, m);
      } else if (m.type === 'state' && (m.state as { input?: number }).input === running[rank]) detector.answer(rank, m.state);
    },
  });
  const entry = fileURLToPath(new URL('./engine-process.js', import.meta.url));
  const handles: ProcessRank[] = [];
  const outputs: Promise<void>[] = [];
  const served: Promise<void>[] = [];
  for (let rank = 0; rank < size; rank++) {
    const h = supervisor.start(rank, { entry, name: `Engine ${rank}`, script: 'cluster-engine', stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    outputs.push(prefixLines(h.child.stdout!, process.stdout, rank), prefixLines(h.child.stderr!, process.stderr, rank));
    served.push(
      new Promise((resolve, reject) => {
        readyOnes[rank] = () => resolve();
        void h.ended.then((end) => reject(end.error ?? new Error(`Engine ${rank} ended with code ${end.code} before it served`)));
      }),
    );
    void h.ended.then((end) => events.ended(rank, end));
    handles.push(h);
  }
  // Every engine listens: none will be refused a connection.
  void Promise.all(handles.map((h) => h.ready)).then(
    () => handles.forEach((h) => h.send({ type: 'go' })),
    () => undefined,
  );
  return {
    size,
    ready: Promise.all(served).then(() => undefined),
    send: (engine, m) => handles[engine]!.send(m as never),
    // SIGINT only to an engine in the input's synchronous top level: vm's breakOnSigint takes
    // the SIGINT listeners away around that code, so a SIGINT at its edges would end the engine.
    breakSync(engine, id) {
      const h = handles[engine]!;
      return Promise.resolve(h.running && syncOf[engine] === id && h.child.kill('SIGINT'));
    },
    breakAfterMs: 200,
    checkDeadlock(now) {
      running = now;
      if (now.join() !== seen) {
        seen = now.join();
        detector = new ProcessDeadlockDetector();
      }
      const busy = now.map((id) => id !== 0);
      const waits = detector.check(busy);
      handles.forEach((h) => busy[h.rank] && h.send({ type: 'state' }));
      return waits;
    },
    async close(graceMs) {
      for (const h of handles) h.send({ type: 'cluster:bye' } as never);
      const forced = setTimeout(() => handles.forEach((h) => h.kill()), graceMs);
      await Promise.all(handles.map((h) => h.ended));
      clearTimeout(forced);
      await Promise.all(outputs);
      removeJobDir(dir);
    },
  };
}
