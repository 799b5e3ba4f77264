// The first module of every rank process (`ranks run --transport processes`): listens,
// tells the launcher, waits until every rank listens (so no connection is ever refused),
// then runs the user's script. world() finds the transport made here.
import { fileURLToPath } from 'node:url';
import type { ToRank } from '../transport/processes/messages.ts';
import { reportError, startRank, takeInit, tell } from '../transport/processes/rank.ts';
import { prepareScript } from './script-loader.ts';
import { noteFailure } from '../trace/rank.ts';

const init = takeInit();
// `ranks run … | head`: a rank process writes to the pipe itself; once nobody reads it,
// end quietly with 141 (128 + SIGPIPE), as a shell pipeline's writer would.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(141);
});

await prepareScript(init.script);

const transport = await startRank(init);
const go = new Promise<void>((resolve) => {
  process.on('message', (m: ToRank) => {
    if (m.type === 'go') resolve();
    else if (m.type === 'report') void tell({ type: 'waiting', rank: init.rank, what: transport.waiting() });
    else if (m.type === 'state') void tell({ type: 'state', rank: init.rank, state: transport.state() });
    else if (m.type === 'exited') transport.peerExited(m.rank, m.connected);
  });
});
await tell({ type: 'ready' });
await go;
// The channel to the launcher never keeps a finished rank alive.
process.channel?.unref();

process.argv[1] = init.script.startsWith('file:') ? fileURLToPath(init.script) : init.script;
try {
  await import(init.script);
} catch (err) {
  // As the threads launcher does, the launcher reports the error (with its stack), once.
  reportError(init, err);
  noteFailure(err);
  process.exit(1);
}
