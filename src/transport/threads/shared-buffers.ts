import { TransportOp } from '../op.ts';

/**
 * SharedArrayBuffers handed from one rank to another by key (windows: each rank hands
 * its window memory to the others when the window is made). A handed buffer waits here
 * until taken; a take before the hand-over arrives is a TransportOp the progress loop keeps alive.
 */
export class SharedBuffers {
  private readonly arrived = new Map<string, SharedArrayBuffer[]>();
  private readonly waits = new Map<string, TransportOp<SharedArrayBuffer[]>>();
  /** Bumped when a wait settles, so a progress loop can tell it moved. */
  settled = 0;

  get pending(): number {
    return this.waits.size;
  }

  /** Rank `from`'s buffers under `key`, once they have arrived (each hand-over is taken once). */
  take(from: number, key: string): TransportOp<SharedArrayBuffer[]> {
    const k = `${from}/${key}`;
    const got = this.arrived.get(k);
    if (got) {
      this.arrived.delete(k);
      return TransportOp.resolved(got);
    }
    const op = new TransportOp<SharedArrayBuffer[]>();
    this.waits.set(k, op);
    return op;
  }

  offer(from: number, key: string, buffers: SharedArrayBuffer[]): void {
    const k = `${from}/${key}`;
    const w = this.waits.get(k);
    if (!w) return void this.arrived.set(k, buffers);
    this.waits.delete(k);
    this.settled++;
    w.resolve(buffers);
  }

  /** Rank `rank` has exited: takes of its buffers fail with `err`. */
  fail(rank: number, err: Error): void {
    for (const [k, w] of this.waits) {
      if (k.startsWith(`${rank}/`)) {
        this.waits.delete(k);
        this.settled++;
        w.reject(err);
      }
    }
  }
}
