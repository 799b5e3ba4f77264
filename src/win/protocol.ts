// The processes transport's window requests, typed in one place. An origin sends a
// request on the window's engine context to the target; the target's engine (engine.ts)
// applies it from its event loop and answers on the window's own context with tag
// REPLY + seq. A request is a header of HEADER_WORDS float64s, then its data.
import { InvalidArgumentError } from '../errors.ts';
import { BAND, BOR, BXOR, LAND, LOR, LXOR, MAX, MIN, NO_OP, PROD, REPLACE, SUM, type Op } from '../comm/collectives/ops.ts';

export const enum Req {
  Put = 1,
  Get,
  Acc,
  GetAcc,
  Cas,
  Lock,
  Unlock,
  Flush,
}

/** Header: seq, offset, count (elements), op code, exclusive (lock). */
export const HEADER_WORDS = 5;
export const HEADER_BYTES = HEADER_WORDS * 8;
/** Replies use tags from here up (the window's PSCW messages use tags below it). */
export const REPLY = 16;
/** Sequence numbers wrap here, well inside every transport's tag range. */
export const SEQ_WRAP = 1 << 20;

const OPS: readonly Op[] = [SUM, PROD, MIN, MAX, LAND, LOR, LXOR, BAND, BOR, BXOR];

/** The predefined op of code `code` (ops.ts numbering). */
export function opOf(code: number): Op {
  if (code === REPLACE.code) return REPLACE;
  if (code === NO_OP.code) return NO_OP;
  const op = OPS[code - 1];
  if (!op) throw new InvalidArgumentError(`No predefined op of code ${code}`);
  return op;
}

/** A request: its header, then each part's bytes. */
export function frame(seq: number, offset: number, count: number, op: number, exclusive: number, ...parts: Uint8Array[]): Uint8Array {
  const n = parts.reduce((k, p) => k + p.byteLength, 0);
  const out = new Uint8Array(HEADER_BYTES + n);
  new Float64Array(out.buffer, 0, HEADER_WORDS).set([seq, offset, count, op, exclusive]);
  let at = HEADER_BYTES;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
