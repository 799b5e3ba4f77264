// `ranks repl`: an interactive session on N ranks (IPython parallel's %px), or a script of
// inputs on stdin when stdin is not a terminal.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { defaultSize } from '../launch/launch.ts';
import { startEngines } from '../repl/cluster-engines.ts';
import { feedLines } from '../repl/feed.ts';
import { Session } from '../repl/session.ts';
import { configFrom } from '../config/config.ts';
import { checkMemory } from './memory.ts';
import { parseRepl } from './repl-args.ts';
import { REPL_HELP } from './repl-help.ts';
import { report } from './run.ts';

/** Where the prompt's history is kept: RANKS_REPL_HISTORY (`off`: nowhere, '' returned) or ~/.ranks_repl_history. */
export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  const file = configFrom(env).replHistory;
  return file === 'off' ? '' : (file ?? join(homedir(), '.ranks_repl_history'));
}

/** Runs `ranks repl ARGS`; resolves with the exit status once the session has ended. Throws UsageError. */
export async function replCommand(argv: string[]): Promise<number> {
  const a = parseRepl(argv);
  if (a.help) {
    process.stdout.write(REPL_HELP);
    return 0;
  }
  const size = a.size ?? defaultSize();
  let engines;
  try {
    checkMemory(size, a.transport);
    engines = await startEngines({ size, transport: a.transport });
  } catch (err) {
    report(err);
    return 1;
  }
  const terminal = process.stdin.isTTY === true && process.stdout.isTTY === true;
  const input = terminal ? process.stdin : new PassThrough();
  const session = new Session({
    engines,
    input,
    output: process.stdout,
    terminal,
    historyFile: historyFile(),
    bail: a.bail,
    timeout: a.timeout === undefined ? undefined : a.timeout * 1000,
  });
  // Without a terminal, Ctrl-C is a signal: it stops the running input, or ends the session.
  const onSignal = (): void => {
    if (!session.interrupt()) {
      session.status = 130;
      session.end();
    }
  };
  if (!terminal) {
    process.on('SIGINT', onSignal);
    void feedLines(process.stdin, session, input as PassThrough);
  }
  const status = await session.ended;
  process.off('SIGINT', onSignal);
  if (!terminal) process.stdin.destroy();
  return status;
}
