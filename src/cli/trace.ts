// `ranks trace TRACE.json -o PAGE.html`: the timeline page of a trace.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidArgumentError } from '../errors.ts';
import { parseTimeline } from '../timeline/model.ts';
import { timelineHtml } from '../timeline/page.ts';
import { TRACE_HELP } from './trace-help.ts';
import { parseCommand, UsageError } from './usage.ts';

const TRACE_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  output: { type: 'string', short: 'o' },
  title: { type: 'string' },
} as const;

/** The arguments of `ranks trace`. */
export interface TraceArgs {
  help: boolean;
  input: string;
  output: string;
  title: string | undefined;
}

/**
 * Reads `ranks trace [options] TRACE [options]`: unlike `run`, options may follow the
 * trace's name (`ranks trace job.json -o job.html`). Throws UsageError.
 */
export function parseTrace(argv: string[]): TraceArgs {
  let words = argv;
  const inputs: string[] = [];
  const values: { help?: boolean; output?: string; title?: string } = {};
  while (words.length > 0) {
    const { values: v, rest } = parseCommand('trace', words, TRACE_OPTIONS);
    Object.assign(values, v);
    const consumed = words.length - rest.length;
    // parseCommand stops at a positional word or after `--`: after `--`, every word is a trace.
    if (consumed > 0 && words[consumed - 1] === '--') {
      inputs.push(...rest);
      break;
    }
    if (rest.length === 0) break;
    inputs.push(rest[0]!);
    words = rest.slice(1);
  }
  const help = values.help === true;
  if (help) return { help, input: '', output: '', title: undefined };
  if (inputs.length === 0) throw new UsageError('trace', 'missing the trace to draw: ranks trace job.json -o job.html');
  if (inputs.length > 1) throw new UsageError('trace', `unexpected argument ${JSON.stringify(inputs[1])} (one trace per page)`);
  const input = inputs[0]!;
  if (values.output === '') throw new UsageError('trace', 'Expected -o to be a file name, got ""');
  const output = values.output ?? `${input.replace(/\.json$/i, '')}.html`;
  if (output === input) throw new UsageError('trace', `the page would overwrite its trace ${JSON.stringify(input)}: name the page with -o`);
  return { help, input, output, title: values.title };
}

function readTrace(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'a directory, not a file' : e.message;
    throw new InvalidArgumentError(`cannot read the trace ${JSON.stringify(path)}: ${why}${e.code ? ` (${e.code})` : ''}`);
  }
}

/** Runs `ranks trace ARGS`; resolves with the exit status. Throws UsageError, and InvalidArgumentError for a trace it cannot read. */
export function traceCommand(argv: string[]): number {
  const a = parseTrace(argv);
  if (a.help) {
    process.stdout.write(TRACE_HELP);
    return 0;
  }
  const timeline = parseTimeline(readTrace(a.input), JSON.stringify(a.input));
  const html = timelineHtml(timeline, { title: a.title ?? basename(a.input) });
  try {
    writeFileSync(a.output, html);
  } catch (err) {
    throw new InvalidArgumentError(`cannot write the page ${JSON.stringify(a.output)}: ${(err as Error).message}`);
  }
  const mib = (Buffer.byteLength(html) / 2 ** 20).toFixed(1);
  process.stdout.write(
    `ranks trace: wrote ${a.output} (${mib} MiB): ${timeline.lanes.length} lanes, ${timeline.spans.length} spans, ${timeline.arrows.length} messages, ${timeline.bands.length} collectives\n`,
  );
  return 0;
}
