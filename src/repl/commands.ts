// The REPL's own commands beside Node's (.help, .break, .save, .load): `.on` picks the
// ranks, `.ranks` says who is busy, `.exit` ends the session once the inputs before it ran.
import { isRanksError } from '../errors.ts';
import { isIncomplete } from './incomplete.ts';
import type { Session } from './session.ts';
import { formatTargets, parseTargets } from './targets.ts';

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function firstLine(code: string): string {
  const line = code.trim().split('\n')[0]!;
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}

/** `.ranks`: each rank busy (with the input and for how long) or idle, and the default targets. */
export function rankStates(session: Session): string {
  const states = session.options.engines.states();
  const now = Date.now();
  let text = '';
  for (const s of states) {
    const what = s.running === undefined ? '' : `: ${firstLine(s.running.replace(/^execute: /, ''))}`;
    const state = !s.alive ? 'ended' : s.busy ? `busy${s.since === undefined ? '' : ` for ${seconds(now - s.since)}`}${what}` : 'idle';
    text += `[${s.rank}] ${state}\n`;
  }
  if (session.targets.length !== states.length) text += `inputs run on ${formatTargets(session.targets)} (.on all: on every rank)\n`;
  return text;
}

/** Adds `.on`, `.ranks` and `.exit` to the session's REPL (and drops what has no meaning here). */
export function defineCommands(session: Session): void {
  const { server, options } = session;
  const size = options.engines.size;
  const say = (text: string): void => {
    options.output.write(text);
    server.displayPrompt();
  };
  server.defineCommand('on', {
    help: 'Run code on some ranks: .on 0,2 CODE (ranks like 1-3 or all); .on 0,2 alone: later inputs run there',
    action(rest: string) {
      const m = /^(\S+)\s*([\s\S]*)$/.exec(rest.trim());
      if (!m) return say(`Usage: .on RANKS [CODE], with RANKS like 0,2 or 1-3 or all (ranks 0-${size - 1})\n`);
      let targets: number[];
      try {
        targets = parseTargets(m[1]!, size);
      } catch (err) {
        return say(`${isRanksError(err) ? `${err.code}: ` : ''}${err instanceof Error ? err.message : String(err)}\n`);
      }
      const code = m[2]!;
      if (code.trim() === '') {
        session.targets = targets;
        return say(targets.length === size ? 'inputs now run on every rank\n' : `inputs now run on ${formatTargets(targets)}\n`);
      }
      if (isIncomplete(`${code}\n`)) return say('.on takes one complete line of code (for more, .on RANKS alone, then the input)\n');
      session
        .enqueue(() => session.runInput(`${code}\n`, targets))
        .then(
          () => server.displayPrompt(),
          (err: unknown) => say(`ranks repl: ${err instanceof Error ? err.message : String(err)}\n`),
        );
    },
  });
  server.defineCommand('ranks', {
    help: 'Show which ranks are busy running an input and which are idle',
    action() {
      // While an input runs (typed at the terminal meanwhile) its end brings the prompt back.
      if (session.queued > 0) options.output.write(rankStates(session));
      else say(rankStates(session));
    },
  });
  server.defineCommand('exit', {
    help: 'Exit once the inputs before it have run',
    action() {
      void session.enqueue(() => Promise.resolve(session.end()));
    },
  });
  // One context per rank, none here: there is nothing to clear locally.
  const commands = server.commands as Record<string, unknown>;
  delete commands['clear'];
  // Editor mode ends with Ctrl-D, which only a terminal has.
  if (!options.terminal) delete commands['editor'];
}
