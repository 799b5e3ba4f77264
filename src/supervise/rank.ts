/**
 * What every supervisor (threads: ThreadSupervisor, processes: ProcessSupervisor) says
 * about a rank it started: when it is ready, when and why it ended. Launch, pools and —
 * next — spawned ranks see ranks through this, whatever runs them.
 */

/** How a rank ended. */
export interface RankEnd {
  /** The exit code; a rank killed by a signal has 128 + the signal's number, as a shell says. */
  code: number;
  /** The signal that killed it (processes only), else null. */
  signal: NodeJS.Signals | null;
  /** What it died of, when it said (an uncaught error: the thread's, or the report a process left). */
  error: Error | undefined;
  /** Messages that reached it and were never received (what it reported as it exited). */
  leftover: number;
}

/** One rank started by a supervisor. */
export interface RankHandle {
  readonly rank: number;
  /** Settles once the rank can take part (a process listens; a thread is online); rejects if it ends first. */
  readonly ready: Promise<void>;
  /** Settles once the rank has ended and its supervisor has done with it (its last setup messages forwarded, its exit announced). */
  readonly ended: Promise<RankEnd>;
  /** True from start until the rank has ended. */
  readonly running: boolean;
  /** True once the end that follows is wanted (see expectEnd). */
  readonly expected: boolean;
  /** Says that the end that follows is wanted (retirement, replacement, close): what the rank still posts about setup is dropped. */
  expectEnd(): void;
  /** Whether the rank keeps this process alive. */
  ref(): void;
  unref(): void;
}

/**
 * Starts and stops the ranks of one job on one transport. A rank can be started at any
 * time (the job's first ranks, a pool's replacement, a spawned rank), and again under the
 * same number once the previous one has ended.
 */
export interface Supervisor<Spec, Handle extends RankHandle> {
  /** Starts `rank` as `spec` says; the previous rank of that number, if any, must have ended. */
  start(rank: number, spec: Spec): Handle;
  /** The rank's current handle. */
  get(rank: number): Handle | undefined;
  /** Ends `rank` now; its handle's `ended` settles once it has. */
  stop(rank: number): void;
}

/** What every supervisor's handle does the same way: the ready and ended promises, and the expected flag. */
export class SupervisedRank implements RankHandle {
  readonly ready: Promise<void>;
  readonly ended: Promise<RankEnd>;
  running = true;
  expected = false;
  private becameReady!: () => void;
  private failed!: (err: Error) => void;
  private settle!: (end: RankEnd) => void;

  /** `name` says which rank in messages (`Pool worker 3`); `runner` is its thread or process. */
  constructor(
    readonly rank: number,
    readonly name: string,
    private readonly runner: { ref(): void; unref(): void },
  ) {
    this.ready = new Promise((resolve, reject) => ((this.becameReady = resolve), (this.failed = reject)));
    this.ready.catch(() => undefined);
    this.ended = new Promise((resolve) => (this.settle = resolve));
  }

  expectEnd(): void {
    this.expected = true;
  }

  ref(): void {
    this.runner.ref();
  }

  unref(): void {
    this.runner.unref();
  }

  /** For its supervisor: the rank can take part now. */
  isReady(): void {
    this.becameReady();
  }

  /** For its supervisor: the rank has ended (or never started), and the supervisor is done with it. */
  end(end: RankEnd): void {
    this.running = false;
    this.failed(new Error(`${this.name} ended before it started`));
    this.settle(end);
  }
}
