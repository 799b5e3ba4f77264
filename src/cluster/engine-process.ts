// The first module of a process engine: listens, waits until every engine listens, then
// serves the cluster's requests that come over the IPC channel (see engine.ts). It answers
// the supervisor's deadlock checks as any rank process does.
import { world } from '../comm/world.ts';
import type { RankState, ToRank } from '../transport/processes/messages.ts';
import { startRank, takeInit, tell } from '../transport/processes/rank.ts';
import { spawnReplied } from '../spawn/process-rank.ts';
import { serveEngine } from './engine.ts';
import type { FromEngine, ToEngine } from './protocol.ts';

const init = takeInit();
const transport = await startRank(init);
let serving: ((m: ToEngine) => void) | undefined;
const engine: { running?: () => number } = {};
const go = new Promise<void>((resolve) => {
  process.on('message', (m: ToRank | ToEngine) => {
    if (m.type === 'go') resolve();
    // The answer names the input it was given during: the driver drops answers about an input that has ended.
    else if (m.type === 'state') void tell({ type: 'state', rank: init.rank, state: { ...transport.state(), input: engine.running?.() ?? 0 } as RankState });
    else if (m.type === 'report') void tell({ type: 'waiting', rank: init.rank, what: transport.waiting() });
    else if (m.type === 'exited') transport.peerExited(m.rank, m.connected);
    else if (m.type === 'spawned') spawnReplied(m.reply);
    else serving?.(m);
  });
});
await tell({ type: 'ready' });
await go;

// SIGINT is the cluster's interrupt: it breaks a synchronous loop at the top of an input
// (breakOnSigint) and is ignored otherwise, never ending an engine. Engines run in a process
// group of their own, so a terminal's Ctrl-C reaches only the driver, and the driver sends
// SIGINT only while the engine says it runs that top level (syncSection below): around it
// vm's breakOnSigint takes the listeners away, and a SIGINT then would end the engine.
process.on('SIGINT', () => undefined);
// An input waiting on nothing that can wake it (a promise never settled) would let the
// event loop end: the engine stays, and the input is left to an interrupt.
process.on('beforeExit', () => process.channel?.ref());

engine.running = serveEngine(
  world(),
  {
    post: (m: FromEngine) => {
      if (process.connected) process.send!(m);
    },
    listen: (on) => (serving = on),
    breakOnSigint: true,
    syncSection: (id) => {
      if (process.connected) process.send!({ type: 'cluster:sync', id } satisfies FromEngine);
    },
    // While an input runs, the channel must not count as something that could wake the
    // rank (the deadlock check asks for that): only ranks operations keep it alive then.
    busy: (busy) => {
      if (busy) process.channel?.unref();
      else process.channel?.ref();
    },
    end: () => {
      transport.close();
      process.exit(0);
    },
  },
  await import('../index.ts'),
).running;
