// What the REPL needs from the ranks that run its inputs: one small interface, so the
// front end (line editing, commands, grouping) does not know how engines are started.

/** A piece of output one rank wrote while it ran an input. */
export interface RankOutput {
  readonly rank: number;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** An error a rank's input ended with, as the REPL prints it. */
export interface RankError {
  readonly name: string;
  readonly message: string;
  /** The error's `code` (ERR_DEADLOCK, ERR_ABORTED, …) when it has one. */
  readonly code?: string;
  readonly stack?: string;
}

/** How one rank's run of an input ended: its value, shown as util.inspect would, or its error. */
export type RankOutcome =
  | { readonly rank: number; readonly ok: true; readonly value?: unknown; readonly display?: string }
  | { readonly rank: number; readonly ok: false; readonly error: RankError; readonly interrupted?: boolean };

/** What one rank is doing now (for `.ranks`). */
export interface RankState {
  readonly rank: number;
  /** False once the rank has ended (a crash, `process.exit()` in an input). */
  readonly alive: boolean;
  readonly busy: boolean;
  /** What it runs (the first line of the input). */
  readonly running?: string | undefined;
  /** Since when (`Date.now()`). */
  readonly since?: number | undefined;
}

/** The ranks a REPL session runs its inputs on. */
export interface Engines {
  /** How many ranks there are (0 to size - 1). */
  readonly size: number;
  /**
   * Runs `code` on each of `targets` (state persists between calls); calls `onOutput` as
   * they write; resolves once every target has ended, with one outcome per target in rank
   * order. It never rejects for an error inside the code: that is an outcome.
   */
  run(code: string, targets: readonly number[], onOutput: (out: RankOutput) => void): Promise<RankOutcome[]>;
  /**
   * Stops the input running now on every rank; the ranks and their state stay. Resolves
   * with the ranks that could not be stopped (a thread busy in synchronous code).
   */
  interrupt(): Promise<{ stuck: readonly number[] }>;
  /** What each rank is doing now. */
  states(): readonly RankState[];
  /** Output written outside any input (a timer an earlier input left) goes to `listener`. */
  onStray(listener: (out: RankOutput) => void): void;
  /** Stops every rank and releases everything. */
  close(): Promise<void>;
}
