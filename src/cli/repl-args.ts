// `ranks repl` arguments.
import { parseCommand, positiveInteger, positiveNumber, UsageError } from './usage.ts';

/** What `ranks repl` was asked to do. */
export interface ReplArgs {
  help: boolean;
  size: number | undefined;
  transport: 'threads' | 'processes';
  /** Seconds an input may run before it is stopped. */
  timeout: number | undefined;
  bail: boolean;
}

/** The options of `ranks repl`, for util.parseArgs. */
export const REPL_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  np: { type: 'string', short: 'n' },
  transport: { type: 'string' },
  timeout: { type: 'string' },
  bail: { type: 'boolean' },
} as const;

/** Reads `ranks repl [options]`; throws UsageError (there are no positional arguments). */
export function parseRepl(argv: string[]): ReplArgs {
  const words = argv.map((w) => (w === '-np' ? '--np' : w));
  const { values: v, rest } = parseCommand('repl', words, REPL_OPTIONS, {
    '--tag-output': 'the output of a repl is always grouped and tagged by rank',
  });
  if (rest.length > 0) throw new UsageError('repl', `unexpected argument ${JSON.stringify(rest[0])} (a script goes on stdin: ranks repl -n 4 < session.txt)`);
  const transport = v.transport ?? 'threads';
  if (transport !== 'threads' && transport !== 'processes') {
    throw new UsageError('repl', `Expected --transport to be threads or processes, got ${JSON.stringify(transport)}`);
  }
  return {
    help: v.help === true,
    size: positiveInteger('repl', '-n', v.np),
    transport,
    timeout: positiveNumber('repl', '--timeout', v.timeout),
    bail: v.bail === true,
  };
}
