// Messages MPI has handed over but no receive has taken yet: refused by the receive
// that matched them (too big for its `into`, or an object for a TypedArray), or taken out
// of MPI's queue by a probe so that their size and kind could be read. Later receives
// look here first, in the order MPI would have given the messages.
import { ANY_SOURCE, ANY_TAG } from '../../constants.ts';
import { isValueKind, kindName } from '../../codec/kinds.ts';
import { KindMismatchError, TruncationError } from '../../errors.ts';
import type { Envelope } from '../transport.ts';
import type { Channel } from './channels.ts';

export interface Stashed {
  /** World rank of the sender. */
  source: number;
  tag: number;
  kind: number;
  /** Payload bytes. */
  bytes: number;
  /** The sender's sequence number for this receiver (ranks senders only). */
  seq: number;
  /** The payload when it came inline (or the whole message of a sender that does not run ranks). */
  data: Uint8Array | undefined;
  /** Tag of the body on the body communicator, when the payload follows there. */
  bodyTag: number;
  /** The body channel of the message's channel, when it has its own (intercommunicators). */
  bodies?: Channel | undefined;
  /** True for a message from a rank that does not run ranks: no header, no sequence number. */
  foreign: boolean;
  /** A synchronous send to this rank itself, told when a receive or matched probe takes it. */
  taken?: (() => void) | undefined;
}

export function fits(source: number, tag: number, e: { source: number; tag: number }): boolean {
  return (source === ANY_SOURCE || source === e.source) && (tag === ANY_TAG || tag === e.tag);
}

/** Why a receive with `into` cannot take a message, or undefined when it can. */
export function refusal(into: Uint8Array | undefined, kind: number, bytes: number, source: number, tag: number): Error | undefined {
  if (!into) return undefined;
  if (isValueKind(kind)) return new KindMismatchError(kindName(kind), source, tag);
  if (bytes > into.byteLength) return new TruncationError(bytes, into.byteLength, source, tag);
  return undefined;
}

export function envelopeOf(e: Stashed): Envelope {
  return { source: e.source, tag: e.tag, kind: e.kind, bytes: e.bytes };
}

/**
 * The stashed message a receive of (source, tag) takes: the first that fits in arrival
 * order, unless the same sender sent a fitting one earlier (a lower sequence number) that
 * arrived later (one receive took it out of order, say).
 */
export function pick(stash: readonly Stashed[], source: number, tag: number): number {
  let best = -1;
  for (let i = 0; i < stash.length; i++) {
    const e = stash[i]!;
    if (!fits(source, tag, e)) continue;
    if (best < 0) best = i;
    else {
      const b = stash[best]!;
      if (e.source === b.source && !e.foreign && ((e.seq - b.seq) | 0) < 0) best = i;
    }
  }
  return best;
}
