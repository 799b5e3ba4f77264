// Tab completion that never runs code: Node's own completer evaluates the expression
// before a `.` through the eval, which here would run it on every rank. This one completes
// the REPL's commands and the names every rank defines.
import type { CompleterResult } from 'node:readline';

/** The names each rank defines for its inputs. */
const GLOBALS = ['comm', 'rank', 'size', 'ranks', 'await', 'console'];

/**
 * Completes `.co` to a command (of `commands`, without their dot) and a bare word to one of
 * the ranks' globals; after a `.` (a property) nothing is offered.
 *
 * @example
 * complete('.ra', ['ranks', 'exit']); // [['.ranks'], '.ra']
 */
export function complete(line: string, commands: readonly string[]): CompleterResult {
  const command = /^\s*(\.\w*)$/.exec(line);
  if (command) return [commands.map((c) => `.${c}`).filter((c) => c.startsWith(command[1]!)), command[1]!];
  const word = /(^|[^\w$.])([A-Za-z_$][\w$]*)$/.exec(line);
  if (!word) return [[], ''];
  return [GLOBALS.filter((g) => g.startsWith(word[2]!)), word[2]!];
}
