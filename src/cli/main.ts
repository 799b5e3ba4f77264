// The `ranks` command: `run`, `farm`, `repl`, `trace`, `info`, `help`. Usage errors print one line,
// `ranks CMD: MESSAGE; see ranks CMD --help`, and exit 2 in every command.
import { readFileSync } from 'node:fs';
import { farmCommand } from './farm.ts';
import { FARM_HELP } from './farm-help.ts';
import { info } from './info.ts';
import { HELP, INFO_HELP, RUN_HELP } from './help.ts';
import { replCommand } from './repl.ts';
import { REPL_HELP } from './repl-help.ts';
import { report, runCommand } from './run.ts';
import { traceCommand } from './trace.ts';
import { TRACE_HELP } from './trace-help.ts';
import { closest, parseCommand, USAGE_EXIT, UsageError, usageLine } from './usage.ts';

const COMMANDS: Record<string, string> = { run: RUN_HELP, farm: FARM_HELP, repl: REPL_HELP, trace: TRACE_HELP, info: INFO_HELP };

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

function unknownCommand(cmd: string): UsageError {
  const near = closest(cmd, [...Object.keys(COMMANDS), 'help']);
  return new UsageError('', `unknown command ${JSON.stringify(cmd)}${near ? ` (did you mean ${near}?)` : ''}`);
}

async function main(argv: string[]): Promise<number> {
  const { values, rest } = parseCommand('', argv, { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } });
  if (values.version) {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const [cmd, ...args] = rest;
  if (cmd === undefined && !values.help) {
    // No command is a usage error: the help goes to stderr.
    process.stderr.write(HELP);
    return USAGE_EXIT;
  }
  if (values.help || cmd === undefined) {
    if (cmd !== undefined && COMMANDS[cmd] === undefined) throw unknownCommand(cmd);
    process.stdout.write(cmd === undefined ? HELP : COMMANDS[cmd]!);
    return 0;
  }
  switch (cmd) {
    case 'run':
      return runCommand(args);
    case 'farm':
      return farmCommand(args);
    case 'trace':
      return traceCommand(args);
    case 'repl':
      return replCommand(args);
    case 'info': {
      const { values: v, rest: extra } = parseCommand('info', args, { help: { type: 'boolean', short: 'h' } });
      if (v.help) process.stdout.write(INFO_HELP);
      else if (extra.length > 0) throw new UsageError('info', `unexpected argument ${JSON.stringify(extra[0])}`);
      else process.stdout.write(`${info()}\n`);
      return 0;
    }
    case 'help': {
      const topic = args[0];
      if (topic !== undefined && COMMANDS[topic] === undefined) throw unknownCommand(topic);
      process.stdout.write(topic === undefined ? HELP : COMMANDS[topic]!);
      return 0;
    }
    default:
      throw unknownCommand(cmd);
  }
}

// `ranks … | head`: once nobody reads the output, stop quietly, as a process killed by
// SIGPIPE would (status 141 = 128 + 13). Commands that must stop work first listen too.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  if (process.stdout.listenerCount('error') === 1) process.exit(141);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      process.stderr.write(usageLine(err));
      process.exitCode = USAGE_EXIT;
    } else {
      report(err);
      process.exitCode = 1;
    }
  },
);
