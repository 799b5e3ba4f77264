// Hearing a pool's workers: rank 0 keeps one receive of results posted while it awaits
// any, and none when it awaits nothing (a receive left posted would keep the process alive).
import type { Request } from '../comm/request.ts';
import { isRanksError } from '../errors.ts';
import { RESULT, type ResultMessage } from './protocol.ts';
import type { PoolLink } from './world.ts';

const RESULT_TAG = { tag: RESULT } as const;

/** Where the results go. */
export interface ResultSink {
  /** Whether results are awaited: some chunk is out, and the pool has not failed. */
  wanted(): boolean;
  /** A message of replies from a worker. */
  take(replies: ResultMessage[]): void;
  /** The results cannot be heard any more (or taking them failed): the pool is broken. */
  lost(err: unknown): void;
}

export class Results {
  private listening = false;
  private request: Request<ResultMessage[]> | undefined;

  constructor(
    private readonly comm: PoolLink,
    private readonly sink: ResultSink,
  ) {}

  /** Listens for results while the sink wants them, unless it already does. */
  listen(): void {
    if (!this.listening && this.sink.wanted()) void this.loop();
  }

  /** Withdraws the receive under way: nothing is left to hear (it then stops if nothing is wanted). */
  cancel(): void {
    this.request?.cancel();
  }

  private async loop(): Promise<void> {
    this.listening = true;
    try {
      while (this.sink.wanted()) {
        let replies: ResultMessage[];
        try {
          this.request = this.comm.irecv<ResultMessage[]>(RESULT_TAG);
          replies = await this.request;
        } catch (err) {
          // A result cut short by its worker's replacement: that chunk is queued again. Or
          // the receive was cancelled since nothing was left to hear.
          if (isRanksError(err) && (err.code === 'ERR_PEER_EXITED' || err.code === 'ERR_CANCELLED')) continue;
          throw err;
        }
        this.sink.take(replies);
      }
    } catch (err) {
      this.sink.lost(err);
    } finally {
      this.listening = false;
    }
  }
}
