// Output grouped by rank: what each rank wrote while it ran an input, then its value or
// its error, every line tagged `[rank] `, printed in rank order once the input has ended.
import { inspect } from 'node:util';
import type { RankError, RankOutcome, RankOutput } from './engines.ts';

/** The codes an input ends with when Ctrl-C stopped it. */
const STOPPED = new Set(['ERR_ABORTED', 'ERR_CANCELLED']);

/** `text` with each line tagged `[rank] ` (a last line without a newline is ended). */
export function tagRankLines(rank: number, text: string): string {
  if (text === '') return '';
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return lines.map((l) => `[${rank}] ${l}\n`).join('');
}

/** An error as Node's REPL shows it, with its code: `Uncaught DeadlockError [ERR_DEADLOCK]: …`. */
export function describeError(e: RankError): string {
  return `Uncaught ${e.name}${e.code ? ` [${e.code}]` : ''}: ${e.message}`;
}

/** The last line(s) of one rank's run: its value (none for undefined) or how it failed. */
export function describeOutcome(o: RankOutcome, interrupted: boolean): string {
  if (o.ok) {
    const shown = o.display ?? (o.value === undefined ? undefined : inspect(o.value));
    return shown === undefined || shown === 'undefined' ? '' : shown;
  }
  if (interrupted && (o.interrupted === true || (o.error.code !== undefined && STOPPED.has(o.error.code)))) return 'Interrupted';
  return describeError(o.error);
}

/** Collects what the ranks write during one input, by rank, until it is printed. */
export class RankGroups {
  private readonly texts = new Map<number, string>();

  /** Keeps one piece of a rank's output. */
  add(out: RankOutput): void {
    this.texts.set(out.rank, (this.texts.get(out.rank) ?? '') + out.text);
  }

  /** Every rank's output then its outcome, in rank order, each line tagged `[rank] `. */
  format(outcomes: readonly RankOutcome[], interrupted = false): string {
    const ranks = new Set([...this.texts.keys(), ...outcomes.map((o) => o.rank)]);
    const byRank = new Map(outcomes.map((o) => [o.rank, o]));
    let text = '';
    for (const r of [...ranks].sort((a, b) => a - b)) {
      text += tagRankLines(r, this.texts.get(r) ?? '');
      const o = byRank.get(r);
      if (o) text += tagRankLines(r, describeOutcome(o, interrupted));
    }
    return text;
  }
}
