// A script on stdin (`ranks repl -n 4 < session.txt`): its lines reach the REPL one at a
// time, each once the one before has been dealt with, as if typed at the prompt.
import type { PassThrough } from 'node:stream';
import { createInterface } from 'node:readline';
import type { Session } from './session.ts';

/** Hands the lines of `source` to `into` (the session's input) one prompt at a time, then ends it. */
export async function feedLines(source: NodeJS.ReadableStream, session: Session, into: PassThrough): Promise<void> {
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    session.server.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (exited) break;
      const dealt = session.nextPrompt();
      into.write(`${line}\n`);
      await Promise.race([dealt, exit]);
      if (exited) break;
    }
  } finally {
    lines.close();
    into.end();
  }
}
