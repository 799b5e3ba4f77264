// Generalized active target synchronization (post/start/complete/wait) over point-to-point
// messages on the window's private communicator: a target's post tells each origin of
// its group that it may start; an origin's complete tells each target that it is done.
// Threads and processes use it; MPI has its own.
import type { Communicator } from '../comm/communicator.ts';

const EMPTY = new Uint8Array(0);
/** Tags on the window's private communicator; the processes engine's replies use tags above them. */
export const POST_TAG = 1;
export const COMPLETE_TAG = 2;

export class Pscw {
  private started: readonly number[] = [];
  private posted: readonly number[] = [];

  constructor(private readonly comm: Communicator) {}

  /** Opens this rank's exposure epoch to `origins`. */
  async post(origins: readonly number[]): Promise<void> {
    this.posted = origins;
    await Promise.all(origins.map((r) => this.comm.send(EMPTY, r, { tag: POST_TAG })));
  }

  /** Opens an access epoch to `targets`: waits until each has posted. */
  async start(targets: readonly number[]): Promise<void> {
    this.started = targets;
    await Promise.all(targets.map((r) => this.comm.recv({ source: r, tag: POST_TAG, into: EMPTY })));
  }

  /** Ends the access epoch (after the caller made its operations complete at the targets). */
  async complete(): Promise<void> {
    const targets = this.started;
    this.started = [];
    await Promise.all(targets.map((r) => this.comm.send(EMPTY, r, { tag: COMPLETE_TAG })));
  }

  /** The targets of the open access epoch. */
  get targets(): readonly number[] {
    return this.started;
  }

  /** Ends the exposure epoch: waits until every origin of the post has completed. */
  async wait(): Promise<void> {
    const origins = this.posted;
    this.posted = [];
    await Promise.all(origins.map((r) => this.comm.recv({ source: r, tag: COMPLETE_TAG, into: EMPTY })));
  }
}
