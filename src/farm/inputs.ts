// Inputs read from a stream (stdin, an --arg-file) one at a time, so a farm can start
// before the input ends and never holds an endless one in memory.
import { createReadStream } from 'node:fs';

/**
 * The records of `stream` split on `separator` (newline by default; a final separator
 * adds no empty record). With `\n`, a `\r` before it is dropped too.
 *
 * @example
 * for await (const line of records(process.stdin)) console.log(line);
 */
export async function* records(stream: AsyncIterable<Buffer | string>, separator = '\n'): AsyncGenerator<string, void, undefined> {
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of stream) {
    rest += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let from = 0;
    for (let at = rest.indexOf(separator); at >= 0; at = rest.indexOf(separator, from)) {
      yield trimCr(rest.slice(from, at), separator);
      from = at + separator.length;
    }
    rest = rest.slice(from);
  }
  rest += decoder.decode();
  if (rest !== '') yield trimCr(rest, separator);
}

function trimCr(record: string, separator: string): string {
  return separator === '\n' && record.endsWith('\r') ? record.slice(0, -1) : record;
}

/** The records of a file, or of stdin for `-`. */
export function fileRecords(path: string, separator = '\n'): AsyncGenerator<string, void, undefined> {
  return records(path === '-' ? process.stdin : createReadStream(path), separator);
}
