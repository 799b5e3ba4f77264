import { elementSize } from '../codec/kinds.ts';

/**
 * What a receive or probe learned about a message: who sent it, its tag, its size.
 * Pass one as `status` to `recv` to have it filled.
 *
 * @example
 * const st = new Status();
 * await comm.recv({ source: ANY_SOURCE, status: st });
 * console.log(st.source, st.tag, st.bytes);
 */
export class Status {
  source = -1;
  tag = -1;
  bytes = 0;
  /** The payload kind code (see codec/kinds.ts); 0 for objects. */
  kind = 0;
  cancelled = false;

  /** Number of elements of `ctor`'s kind the message holds (MPI_Get_count); bytes when omitted. */
  count(ctor?: { BYTES_PER_ELEMENT: number }): number {
    return Math.floor(this.bytes / (ctor?.BYTES_PER_ELEMENT ?? elementSize(this.kind)));
  }

  /** @internal */
  fill(source: number, tag: number, bytes: number, kind: number): this {
    this.source = source;
    this.tag = tag;
    this.bytes = bytes;
    this.kind = kind;
    return this;
  }
}
