// The shared file pointer on threads and processes: one number, held by rank 0 of the
// file's private communicator and served there on the event loop. A rank that moves it
// sends rank 0 a request (tag REQUEST) and gets the old value back (tag REPLY); rank 0
// serves with a posted receive, so the requests are answered while rank 0 awaits anything
// else (another receive, a collective, file I/O). What it needs: rank 0's event loop turns
// (a rank 0 stuck in synchronous code delays the others' shared-pointer calls until it
// yields), and every rank's calls finished before close (close waits for them).
import type { Communicator } from '../comm/communicator.ts';
import type { Request } from '../comm/request.ts';

const REQUEST = 1;
const REPLY = 2;

export class SharedPointer {
  /** Rank 0: bytes past the view's displacement. */
  private value = 0;
  private pending: Request<Float64Array<ArrayBuffer>> | undefined;
  private stopped = false;

  constructor(
    private readonly comm: Communicator,
    start: number,
  ) {
    this.value = start;
    if (comm.rank === 0 && comm.size > 1) this.serve();
  }

  /** Moves the pointer by `bytes` (atomically, among all ranks); resolves with where it was. */
  async fetchAdd(bytes: number): Promise<number> {
    if (this.comm.rank === 0) {
      const old = this.value;
      this.value += bytes;
      return old;
    }
    const reply = this.comm.irecv({ source: 0, tag: REPLY, into: new Float64Array(1) });
    await this.comm.send(new Float64Array([bytes]), 0, { tag: REQUEST });
    return (await reply)[0]!;
  }

  /** Rank 0 only: sets the pointer (collective seeks and ordered calls, which every rank is in). */
  set(bytes: number): void {
    this.value = bytes;
  }

  /** Rank 0 only: the pointer now. */
  get(): number {
    return this.value;
  }

  /** Rank 0: withdraws the server's receive. Called once every rank is done with the pointer. */
  stop(): void {
    this.stopped = true;
    this.pending?.cancel();
  }

  private serve(): void {
    if (this.stopped) return;
    const req = this.comm.irecv({ tag: REQUEST, into: new Float64Array(1) });
    this.pending = req;
    req.then(
      (got) => {
        const old = this.value;
        this.value += got[0]!;
        // A small send completes at once; its failure (the peer gone) ends that rank anyway.
        this.comm.send(new Float64Array([old]), req.status.source, { tag: REPLY }).catch(() => {});
        this.serve();
      },
      () => {
        // Cancelled by stop(), or the job is ending.
      },
    );
  }
}
