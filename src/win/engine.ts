// The target side of a processes-transport window: a receive always posted on the
// window's engine context, whose continuation applies each request to this rank's window
// memory and answers. It runs on the target's event loop with no call by the target's
// program; a target busy in a long synchronous loop delays its origins until it yields.
// Requests from one origin are applied in the order sent (one connection per pair).
import { bytesOf } from '../codec/encode.ts';
import { ARRAY_BUFFER } from '../codec/kinds.ts';
import type { TypedArray } from '../comm/collectives/ops.ts';
import { ANY_SOURCE, ANY_TAG } from '../constants.ts';
import type { TransportOp } from '../transport/op.ts';
import type { Received, Transport } from '../transport/transport.ts';
import { view } from './kinds.ts';
import { HEADER_BYTES, HEADER_WORDS, REPLY, Req, opOf } from './protocol.ts';

const EMPTY = new Uint8Array(0);

interface Waiting {
  source: number;
  seq: number;
  exclusive: boolean;
}

export class Engine {
  private pending: TransportOp<Received> | undefined;
  private stopped = false;
  /** -1: held exclusively; n > 0: by n shared holders. */
  private holders = 0;
  private readonly queue: Waiting[] = [];
  private readonly bytes: Uint8Array;

  constructor(
    private readonly t: Transport,
    /** Context of requests to this engine. */
    private readonly requests: number,
    /** Context of the answers. */
    private readonly replies: number,
    private readonly array: TypedArray,
    private readonly kind: number,
  ) {
    this.bytes = bytesOf(array);
    this.listen();
  }

  /** Stops answering (the window is freed: every origin has had its answers). */
  stop(): void {
    this.stopped = true;
    const p = this.pending;
    this.pending = undefined;
    p?.promise.catch(() => {});
    p?.cancel(new Error('window freed'));
  }

  private listen(): void {
    if (this.stopped) return;
    const op = (this.pending = this.t.recv(this.requests, ANY_SOURCE, ANY_TAG, undefined));
    op.promise.then(
      (m) => {
        this.apply(m);
        this.listen();
      },
      () => {},
    );
  }

  private reply(source: number, seq: number, data: Uint8Array): void {
    void this.t.send(this.replies, source, REPLY + seq, ARRAY_BUFFER, data).promise.catch(() => {});
  }

  private apply(m: Received): void {
    // A fresh buffer is 8-byte aligned; a copy makes sure of it otherwise.
    const data = m.data.byteOffset % 8 === 0 ? m.data : m.data.slice();
    const [seq = 0, offset = 0, count = 0, code = 0, exclusive = 0] = new Float64Array(data.buffer, data.byteOffset, HEADER_WORDS);
    const payload = data.subarray(HEADER_BYTES);
    const size = this.array.BYTES_PER_ELEMENT;
    const span = (): TypedArray => this.array.subarray(offset, offset + count);
    switch (m.tag as Req) {
      case Req.Put:
        this.bytes.set(payload, offset * size);
        break;
      case Req.Get:
        this.reply(m.source, seq, this.bytes.slice(offset * size, (offset + count) * size));
        break;
      case Req.Acc:
      case Req.GetAcc: {
        const s = span();
        const old = m.tag === Req.GetAcc ? bytesOf(s).slice() : undefined;
        opOf(code).applyInto(s, s, view(this.kind, payload.buffer, payload.byteOffset, count), 0, count);
        if (old) this.reply(m.source, seq, old);
        break;
      }
      case Req.Cas: {
        const at = this.bytes.subarray(offset * size, (offset + 1) * size);
        const old = at.slice();
        if (at.every((b, i) => b === payload[size + i])) at.set(payload.subarray(0, size));
        this.reply(m.source, seq, old);
        break;
      }
      case Req.Lock:
        this.queue.push({ source: m.source, seq, exclusive: exclusive !== 0 });
        this.grant();
        break;
      case Req.Unlock:
        this.holders = this.holders < 0 ? 0 : this.holders - 1;
        this.reply(m.source, seq, EMPTY);
        this.grant();
        break;
      case Req.Flush:
        this.reply(m.source, seq, EMPTY);
        break;
    }
  }

  // Waiting lockers in arrival order: a shared one waits behind an exclusive one queued first.
  private grant(): void {
    while (this.queue.length > 0) {
      const w = this.queue[0]!;
      if (w.exclusive ? this.holders !== 0 : this.holders < 0) return;
      this.queue.shift();
      this.holders = w.exclusive ? -1 : this.holders + 1;
      this.reply(w.source, w.seq, EMPTY);
    }
  }
}
