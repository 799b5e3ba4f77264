// Taking messages out of MPI's queue without a posted receive (MPI_Improbe + MPI_Mrecv):
// for probes, for receives that must see a message's header before they can take it, and
// for wildcard receives that must see what is queued before a stashed message.
import { ANY_SOURCE, ANY_TAG } from '../../constants.ts';
import type { StatusFields } from './abi.ts';
import type { Mpi } from './bindings.ts';
import type { Channel } from './channels.ts';
import { BODY, HEADER, readHeader } from './envelope.ts';
import type { Stashed } from './stash.ts';

/** Kind of a message from a rank that does not run ranks: plain bytes (a Uint8Array). */
export const FOREIGN_KIND = 9;

export class MpiQueue {
  private readonly flag = new Int32Array(1);
  private readonly msg = new Uint8Array(8);
  private readonly st = new Int32Array(8);
  private readonly fields: StatusFields = { source: 0, tag: 0, error: 0, count: 0, cancelled: false };

  constructor(
    private readonly mpi: Mpi,
    private readonly foreign: (world: number) => boolean,
  ) {}

  /** Moves every message of MPI's queue that fits (source, tag) to the stash. */
  drain(ch: Channel, source: number, tag: number): void {
    for (let e = this.take(ch, source, tag); e; e = this.take(ch, source, tag)) ch.stash.push(e);
  }

  // MPI_Improbe + MPI_Mrecv of the first queued message that fits, as a stash entry.
  take(ch: Channel, source: number, tag: number): Stashed | undefined {
    const m = this.mpi;
    const a = m.abi;
    m.check(
      m.fn.Improbe(source === ANY_SOURCE ? a.anySource : ch.local(source), tag === ANY_TAG ? a.anyTag : tag, ch.comm, this.flag, this.msg, this.st),
      'MPI_Improbe',
    );
    if (!this.flag[0]) return undefined;
    const st = a.readStatus(this.st, 0, this.fields);
    const count = st.count;
    const from = ch.world(st.source);
    const tagged = st.tag;
    const buf = new Uint8Array(count);
    m.check(m.fn.Mrecv(buf, count, a.types.byte, this.msg, this.st), 'MPI_Mrecv');
    if (ch.mixed && this.foreign(from)) return { source: from, tag: tagged, kind: FOREIGN_KIND, bytes: count, seq: 0, data: buf, bodyTag: 0, foreign: true };
    const e = this.entry(buf, count, from, tagged);
    if (ch.bodies) e.bodies = ch.bodies;
    return e;
  }

  /** A stash entry for an envelope of `count` bytes in `buf` (a message without our header: plain bytes). */
  entry(buf: Uint8Array, count: number, source: number, tag: number): Stashed {
    const h = readHeader(buf, count);
    if (!h) return { source, tag, kind: FOREIGN_KIND, bytes: count, seq: 0, data: buf.slice(0, count), bodyTag: 0, foreign: true };
    const body = (h.flags & BODY) !== 0;
    return {
      source,
      tag,
      kind: h.kind,
      bytes: h.bytes,
      seq: h.seq,
      data: body ? undefined : buf.slice(HEADER, HEADER + h.bytes),
      bodyTag: h.bodyTag,
      foreign: false,
    };
  }

  /** MPI's error class of an error code. */
  errorClass(rc: number): number {
    const out = [rc];
    this.mpi.fn.Error_class(rc, out);
    return out[0]!;
  }
}
