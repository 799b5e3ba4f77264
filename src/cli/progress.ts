// `ranks farm`'s progress: a bar (cli-progress) when stderr is a terminal, a plain line
// at most once a second otherwise, nothing with --quiet. Job output goes through here so
// that it never lands in the middle of the bar.
import cliProgress from 'cli-progress';
import type { FarmProgress } from '../farm/options.ts';

export interface FarmProgressLine {
  update(p: FarmProgress): void;
  /** Writes a job's output, clearing the bar's line first. */
  write(stream: NodeJS.WritableStream, text: string): void;
  stop(): void;
}

/** Where progress goes and how. `stream` is usually process.stderr. */
export interface ProgressOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  quiet: boolean;
  /** The number of inputs when known up front. */
  total: number | undefined;
}

const PLAIN_EVERY_MS = 1000;

export function makeProgress(o: ProgressOptions): FarmProgressLine {
  if (o.quiet) return { update() {}, write: (s, text) => void s.write(text), stop() {} };
  if (!o.stream.isTTY) return plain(o);
  const bar = new cliProgress.SingleBar(
    {
      stream: o.stream as NodeJS.WritableStream,
      format: 'ranks farm {bar} {percentage}% | {value}/{total}{more} jobs | {failed} failed | ETA {eta_formatted}',
      hideCursor: false,
      barsize: 24,
      // Keep line wrapping on for the jobs' output, and redraw after it cleared the bar.
      linewrap: true,
      forceRedraw: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(o.total ?? 0, 0, { failed: 0, more: o.total === undefined ? '+' : '' });
  return {
    update(p) {
      const total = p.exhausted ? p.read - p.skipped : Math.max(o.total === undefined ? 0 : o.total - p.skipped, p.read - p.skipped);
      bar.setTotal(total);
      bar.update(p.done, { failed: p.failed, more: p.exhausted || o.total !== undefined ? '' : '+' });
    },
    write(s, text) {
      o.stream.write('\r\x1b[K');
      s.write(text);
    },
    stop() {
      bar.stop();
    },
  };
}

function plain(o: ProgressOptions): FarmProgressLine {
  let last = performance.now();
  return {
    update(p) {
      const now = performance.now();
      if (now - last < PLAIN_EVERY_MS) return;
      last = now;
      const total = p.exhausted || o.total !== undefined ? `/${(p.exhausted ? p.read : o.total!) - p.skipped}` : '';
      o.stream.write(`ranks farm: ${p.done}${total} jobs done, ${p.failed} failed\n`);
    },
    write: (s, text) => void s.write(text),
    stop() {},
  };
}
