import { TransportOp } from '../op.ts';

const QUANTUM = 1 << 20;

interface Segment {
  data: Uint8Array;
  gen: number;
}

/**
 * This rank's scratch segment and what it knows of the other ranks' (the threads
 * transport's `SharedSegments`). A grown segment gets the next generation; peers learn
 * of it through the launcher, and a wait for a generation not seen yet is a TransportOp that
 * the transport's progress loop keeps alive.
 */
export class SegmentTable {
  private own: Segment | undefined;
  private readonly peers: (Segment | undefined)[] = [];
  private readonly waits: { rank: number; gen: number; op: TransportOp<Uint8Array> }[] = [];
  /** Bumped when a wait settles, so a progress loop can tell it moved. */
  settled = 0;

  /** @param publish hands a new own segment to the other ranks. */
  constructor(private readonly publish: (gen: number, segment: SharedArrayBuffer) => void) {}

  /** Waits not settled yet. */
  get pending(): number {
    return this.waits.length;
  }

  mine(bytes: number): Segment {
    if (this.own && this.own.data.byteLength >= bytes) return this.own;
    // Grow geometrically for sizes that creep up, but not to twice a huge payload.
    const grown = Math.max(bytes, Math.min(2 * (this.own?.data.byteLength ?? 0), 1.25 * bytes));
    const segment = new SharedArrayBuffer(Math.ceil(grown / QUANTUM) * QUANTUM);
    this.own = { data: new Uint8Array(segment), gen: (this.own?.gen ?? 0) + 1 };
    this.publish(this.own.gen, segment);
    return this.own;
  }

  /** Rank `rank`'s segment of generation `gen` or later; pending until it has been handed over. */
  peer(rank: number, gen: number): TransportOp<Uint8Array> {
    const known = this.peers[rank];
    if (known && known.gen >= gen) return TransportOp.resolved(known.data);
    const op = new TransportOp<Uint8Array>();
    this.waits.push({ rank, gen, op });
    return op;
  }

  /** The oldest wait for a peer's segment, for deadlock reports. */
  oldestWait(): { rank: number; gen: number } | undefined {
    return this.waits[0];
  }

  /** Rank `rank` has exited: waits for a generation of its segment not seen yet fail with `err`. */
  fail(rank: number, err: Error): void {
    for (let i = 0; i < this.waits.length;) {
      const w = this.waits[i]!;
      if (w.rank === rank) {
        this.waits.splice(i, 1);
        this.settled++;
        w.op.reject(err);
      } else i++;
    }
  }

  /** A peer's grown segment arrived; settles the waits it satisfies. */
  offer(rank: number, gen: number, segment: SharedArrayBuffer): void {
    if (gen > (this.peers[rank]?.gen ?? 0)) this.peers[rank] = { data: new Uint8Array(segment), gen };
    for (let i = 0; i < this.waits.length;) {
      const w = this.waits[i]!;
      const known = this.peers[w.rank];
      if (known && known.gen >= w.gen) {
        this.waits.splice(i, 1);
        this.settled++;
        w.op.resolve(known.data);
      } else i++;
    }
  }
}
