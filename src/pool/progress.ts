// A pool's progress bar (`progress: true` on a Pool or Executor, or on one map/imap call):
// the same maintained library (cli-progress) that `ranks farm` draws its bar with, on
// stderr, and only when stderr is a terminal (nothing is written otherwise).
import cliProgress from 'cli-progress';
import { InvalidArgumentError } from '../errors.ts';

/** A stream a bar may be drawn on: a terminal (`isTTY`), `columns` wide. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * `true`: a bar on stderr when stderr is a terminal. `{ stream }`: on that stream, when it
 * is a terminal (`stream.isTTY`). `false` or absent: no bar.
 */
export type ProgressOption = boolean | { stream: ProgressStream };

/** A bar that shows up on its first update; after stop, updates are ignored (or, for a pool's bar, start it again). */
export interface Bar {
  /** `done` of `total` calls; `more` when more calls may still come (an input not read to its end). */
  update(done: number, total: number, more?: boolean): void;
  /** Draws the last state and lets go of the terminal (and of the bar's redraw timer). */
  stop(): void;
}

/** Throws InvalidArgumentError unless `option` is a ProgressOption (checked on any stream, terminal or not). */
export function checkProgress(option: unknown): ProgressOption | undefined {
  if (option === undefined || typeof option === 'boolean') return option;
  const stream = (option as { stream?: { write?: unknown } } | null)?.stream;
  if (typeof option === 'object' && typeof stream?.write === 'function') return option as ProgressOption;
  throw new InvalidArgumentError(`Expected \`progress\` to be a boolean or { stream }, got ${String(option)} (${option === null ? 'null' : typeof option})`);
}

/** Per stream, the bars of single calls drawn on it now: a pool's own bar gives way to them (one line, one bar). */
const callBars = new Map<ProgressStream, number>();

/**
 * The bar `option` asks for, labelled `label`; undefined when none is wanted or the stream
 * is not a terminal. With `again` (a pool's own bar), an update after stop() starts a new
 * bar, and nothing is drawn while a call's bar is drawn on the same stream.
 */
export function makeBar(option: unknown, label: string, again = false): Bar | undefined {
  const checked = checkProgress(option);
  if (!checked) return undefined;
  const stream: ProgressStream = checked === true ? process.stderr : checked.stream;
  if (!stream.isTTY) return undefined;
  let bar: cliProgress.SingleBar | undefined;
  let over = false;
  return {
    update(done, total, more = false) {
      if (over) return;
      if (again && (callBars.get(stream) ?? 0) > 0) {
        bar?.stop();
        bar = undefined;
        return;
      }
      const payload = { more: more ? '+' : '' };
      if (!bar) {
        if (!again) callBars.set(stream, (callBars.get(stream) ?? 0) + 1);
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${label} {bar} {percentage}% | {value}/{total}{more} calls | ETA {eta_formatted}`,
            hideCursor: false,
            barsize: 24,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done, payload);
        return;
      }
      bar.setTotal(total);
      bar.update(done, payload);
    },
    stop() {
      if (bar && !again) {
        const n = (callBars.get(stream) ?? 1) - 1;
        if (n > 0) callBars.set(stream, n);
        else callBars.delete(stream);
      }
      bar?.stop();
      bar = undefined;
      over = !again;
    },
  };
}

/**
 * The bar of a pool's whole life (`new Pool({ progress: true })`), fed by the scheduler's
 * counts of calls settled and submitted: it counts from where it last stopped, and stops
 * whenever every call submitted has settled, so an idle pool holds no terminal line and no
 * timer.
 */
export function poolBar(option: unknown, label: string): ((done: number, total: number) => void) | undefined {
  const bar = makeBar(option, label, true);
  if (!bar) return undefined;
  let base = 0;
  return (done, total) => {
    bar.update(done - base, total - base);
    if (done === total) {
      bar.stop();
      base = done;
    }
  };
}
