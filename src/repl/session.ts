// One `ranks repl` session on node:repl: Node's line editing, history and multi-line input,
// with an eval that runs each input on the ranks (one input at a time, in order), prints
// their output grouped by rank, and lets Ctrl-C stop the input without ending the session.
import { Recoverable, start, type REPLServer } from 'node:repl';
import type { Engines, RankOutcome } from './engines.ts';
import { RankGroups, tagRankLines } from './format.ts';
import { isIncomplete } from './incomplete.ts';
import { defineCommands } from './commands.ts';
import { complete } from './complete.ts';
import { formatTargets } from './targets.ts';

/** How a session reads, writes and ends. */
export interface SessionOptions {
  /** The ranks that run the inputs. */
  readonly engines: Engines;
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  /** A terminal: prompt, line editing, history, Ctrl-C as a key. Otherwise inputs are read as lines, silently. */
  readonly terminal: boolean;
  /** Where the terminal's history is kept ('' or undefined: none). */
  readonly historyFile?: string;
  /** End the session, with status 1, at the first input that fails on any rank. */
  readonly bail?: boolean;
  /** Milliseconds an input may run before it is stopped, as Ctrl-C would. */
  readonly timeout?: number;
}

/** The input running now, for `.ranks` and Ctrl-C. */
export interface Running {
  readonly code: string;
  readonly targets: readonly number[];
  readonly since: number;
  interrupts: number;
}

/** A session's state, shared by its eval and its commands. */
export class Session {
  /** The ranks an input runs on unless `.on` names others. */
  targets: number[];
  running: Running | undefined;
  /** The exit status the session ends with. */
  status = 0;
  readonly server: REPLServer;
  private chain: Promise<void> = Promise.resolve();
  private ending = false;
  /** Resolves once the session has ended and its ranks are closed. */
  readonly ended: Promise<number>;
  private onPrompt: () => void = () => {};

  constructor(readonly options: SessionOptions) {
    const { engines, input, output, terminal } = options;
    this.targets = Array.from({ length: engines.size }, (_, i) => i);
    this.server = start({
      prompt: terminal ? `ranks[${engines.size}]> ` : '',
      input,
      output,
      terminal,
      eval: (cmd, _context, _file, done) => this.evaluate(cmd, done),
      ignoreUndefined: true,
      preview: false,
      completer: (line: string) => complete(line, Object.keys(this.server.commands)),
    });
    defineCommands(this);
    // A timer an earlier input left may print at any time: at once, tagged.
    engines.onStray((out) => output.write(tagRankLines(out.rank, out.text)));
    this.wrapPrompt();
    this.takeCtrlC();
    if (terminal && options.historyFile) {
      this.server.setupHistory(options.historyFile, (err) => {
        if (err) output.write(`ranks repl: history not kept (${err.message})\n`);
      });
    }
    this.ended = new Promise((resolve) => {
      this.server.once('exit', () => {
        this.ending = true;
        // Inputs already read still run (a script piped in ends with EOF), then the ranks close.
        void this.chain
          .then(() => engines.close())
          .then(
            () => resolve(this.status),
            (err: unknown) => {
              output.write(`ranks repl: closing the ranks failed: ${err instanceof Error ? err.message : String(err)}\n`);
              resolve(1);
            },
          );
      });
    });
  }

  /** Resolves when the prompt is shown next: the line given before it has been dealt with. */
  nextPrompt(): Promise<void> {
    return new Promise((resolve) => (this.onPrompt = resolve));
  }

  /** Inputs read and not yet ended (the one running included). */
  queued = 0;

  /** Runs `work` after every input queued before it. */
  enqueue(work: () => Promise<void>): Promise<void> {
    this.queued++;
    const next = this.chain.then(() => (this.ending && this.status !== 0 ? undefined : work())).finally(() => this.queued--);
    this.chain = next.catch(() => {});
    return next;
  }

  /** Runs `code` on `targets` and prints what each rank wrote and returned, grouped by rank. */
  async runInput(code: string, targets: readonly number[]): Promise<void> {
    const groups = new RankGroups();
    const running: Running = { code, targets, since: Date.now(), interrupts: 0 };
    this.running = running;
    const { timeout } = this.options;
    let timedOut = false;
    const timer =
      timeout === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            this.interrupt();
          }, timeout);
    let outcomes: RankOutcome[];
    try {
      outcomes = await this.options.engines.run(code, targets, (out) => groups.add(out));
    } finally {
      clearTimeout(timer);
      this.running = undefined;
    }
    this.options.output.write(groups.format(outcomes, running.interrupts > 0));
    if (timedOut) this.options.output.write(`(stopped after --timeout ${timeout! / 1000} s; the ranks keep their state)\n`);
    else if (running.interrupts > 0 && this.options.terminal) this.options.output.write('(interrupted; the ranks keep their state)\n');
    if (this.options.bail && outcomes.some((o) => !o.ok)) {
      this.status = 1;
      this.end();
    }
  }

  /** Ends the session after the inputs queued so far. */
  end(): void {
    if (this.ending) return;
    this.ending = true;
    this.server.close();
  }

  private evaluate(cmd: string, done: (err: Error | null, result?: unknown) => void): void {
    if (cmd.trim() === '') return done(null);
    if (isIncomplete(cmd)) return done(new Recoverable(new SyntaxError('Unexpected end of input')));
    const targets = this.targets;
    this.enqueue(() => this.runInput(cmd, targets)).then(
      () => done(null),
      (err: unknown) => {
        this.options.output.write(`ranks repl: ${err instanceof Error ? err.message : String(err)}\n`);
        done(null);
      },
    );
  }

  // Without a terminal no prompt is written (`... ` included); either way the line feeder
  // learns that the line before has been dealt with.
  private wrapPrompt(): void {
    const show = this.server.displayPrompt.bind(this.server);
    this.server.displayPrompt = (preserveCursor?: boolean): void => {
      if (this.options.terminal) show(preserveCursor);
      const resolve = this.onPrompt;
      this.onPrompt = () => {};
      resolve();
    };
  }

  // Ctrl-C while an input runs stops it on every rank (twice more: the session ends, 130);
  // at the prompt it is Node's own (clear the line; twice on an empty line: exit).
  private takeCtrlC(): void {
    const own = this.server.listeners('SIGINT') as (() => void)[];
    this.server.removeAllListeners('SIGINT');
    this.server.on('SIGINT', () => (this.running ? this.interrupt() : own.forEach((f) => f.call(this.server))));
  }

  /** Stops the running input on every rank (Ctrl-C); returns false when none runs. */
  interrupt(): boolean {
    const running = this.running;
    if (!running) return false;
    running.interrupts++;
    if (running.interrupts === 1) {
      this.options.engines.interrupt().then(
        ({ stuck }) => {
          if (stuck.length > 0 && this.running === running)
            this.options.output.write(
              `(rank${stuck.length > 1 ? 's' : ''} ${formatTargets(stuck)} still in synchronous code after an await, which cannot be stopped; Ctrl-C twice more ends the session)\n`,
            );
        },
        (err: unknown) => this.options.output.write(`ranks repl: interrupt failed: ${err instanceof Error ? err.message : String(err)}\n`),
      );
    } else if (running.interrupts === 2) {
      this.options.output.write('(still stopping the input; Ctrl-C again to end the session)\n');
    } else {
      this.status = 130;
      this.options.output.write('(ending the session)\n');
      void this.options.engines.close().finally(() => process.exit(130));
    }
    return true;
  }
}
