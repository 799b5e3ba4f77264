// The agreement step that opens every collective: before any payload moves, the ranks
// combine one small record each (which call this is: collective, op and root; a shape
// that must be the same on every rank; and whether this rank's arguments were bad), so
// that every rank reaches the same verdict from the same facts. A bad argument on one
// rank, ranks that disagree about the call, or arrays of different shapes then give the
// same coded error on every rank, and nothing is left queued for a later collective.
//
// The record is a few float64 fields combined with MAX, which is idempotent: on the
// point-to-point path it travels by dissemination (ceil(log2 size) rounds, the pattern of
// the barrier, which is why a barrier is this step and nothing else); on MPI it is one
// MPI_Iallreduce. The text of the first bad rank's error rides along (p2p) or follows in
// one bcast from that rank (MPI, only when there is an error).
import type { Encoded } from '../../codec/encode.ts';
import { ARRAY_BUFFER } from '../../codec/kinds.ts';
import { config } from '../../config/config.ts';
import { ANY_TAG } from '../../constants.ts';
import { ArgumentRangeError, CollectiveMismatchError, DataCloneError, InvalidArgumentError, RanksError, isRanksError, type ErrorCode } from '../../errors.ts';
import type { TransportOp } from '../../transport/op.ts';
import { FLOAT64, type Coll, type CommCore, agreeTag, callBits, describeCall, collName } from './call.ts';

/** What one rank brings to the agreement. */
export interface Proposal {
  coll: Coll;
  root?: number;
  op?: number;
  /** A number (< 2^32) that every rank giving one must give alike; undefined: no constraint. */
  shape?: number;
  /** What differs when shapes differ: "TypedArrays of different kinds or lengths". */
  shapeWhat?: string;
  /** This rank's argument error, if it has one. */
  error?: unknown;
  /**
   * A small payload to carry in the agreement's messages (null: this rank has none to
   * add but takes part); undefined: this collective does not ride here.
   */
  ride?: Encoded | null;
}

/** Every rank's ridden payload, in rank order (undefined where a rank added none). */
export type Rode = (Encoded | undefined)[];

/** Payloads up to this size ride in the agreement when every rank's does, on up to RIDE_RANKS ranks. */
export const RIDE_BYTES = 1024;
const RIDE_RANKS = 16;
const NO_BLOCK = 0xffffffff;

// Fields of the record. Ranks are encoded as R - 1 - rank below the value so that MAX
// picks the lowest rank among those with the largest value.
const R = 2 ** 20;
const SIG_SPAN = 2 ** 30;
const SHAPE_SPAN = 2 ** 32;
const SIG_HI = 0;
const SIG_LO = 1;
const SHAPE_HI = 2;
const SHAPE_LO = 3;
const BAD_LO = 4;
const BAD_HI = 5;
/** 1 when some rank's payload did not ride. */
const MISSED = 6;
const FIELDS = 7;
const RECORD_BYTES = FIELDS * 8;
const CODES: readonly ErrorCode[] = ['ERR_INVALID_ARG', 'ERR_OUT_OF_RANGE', 'ERR_DATA_CLONE'];
const TEXT_BYTES = 4096;
const MAX = 4;

/** True when a payload of `bytes` may ride in this communicator's agreement. */
export function mayRide(comm: CommCore, bytes: number): boolean {
  return bytes <= RIDE_BYTES && comm.size <= RIDE_RANKS && comm.transport.collectives === undefined && agrees(comm);
}

/** True when this communicator runs the agreement before its collectives. */
export function agrees(comm: CommCore): boolean {
  // RANKS_CHECK_COLLECTIVES=0 turns the agreement off (ranks then trust each other's calls).
  if (!config().checkCollectives || comm.size >= R) return false;
  const n = comm.transport.collectives;
  // Ranks that are not ranks processes (C, mpi4py) share the communicator: they would not take part.
  return !(n && n.mixed(comm.collContext - 1));
}

/**
 * Runs the agreement; resolves when every rank proposed the same call with good
 * arguments (with every rank's payload, when every rank's rode), and rejects with the
 * same coded error on every rank otherwise.
 */
export async function agree(comm: CommCore, p: Proposal): Promise<Rode | undefined> {
  if (comm.size === 1 || !agrees(comm)) {
    if (p.error !== undefined) throw p.error;
    return comm.size === 1 && p.ride !== undefined ? [p.ride ?? undefined] : undefined;
  }
  const rec = new Float64Array(FIELDS);
  const rank = comm.rank;
  const low = R - 1 - rank;
  let text = '';
  if (p.error !== undefined) {
    rec.fill(-1, 0, 4);
    const code = isRanksError(p.error) ? p.error.code : undefined;
    const index = code === undefined ? -1 : CODES.indexOf(code);
    rec[BAD_LO] = (R - rank) * 64 + (index + 1);
    rec[BAD_HI] = rank + 1;
    text = describeError(p.error);
  } else {
    const sig = callBits(comm, p.coll, p.root ?? 0, p.op ?? 0);
    rec[SIG_HI] = sig * R + low;
    rec[SIG_LO] = (SIG_SPAN - sig) * R + low;
    if (p.shape === undefined) rec.fill(-1, SHAPE_HI, SHAPE_LO + 1);
    else {
      rec[SHAPE_HI] = p.shape * R + low;
      rec[SHAPE_LO] = (SHAPE_SPAN - 1 - p.shape) * R + low;
    }
  }
  const ride = p.error === undefined && p.ride !== undefined && mayRide(comm, p.ride?.bytes.byteLength ?? 0);
  if (!ride) rec[MISSED] = 1;
  const n = comm.transport.collectives;
  let verdictText: string;
  let blocks: Rode | undefined;
  if (n) verdictText = await agreeNative(comm, rec, text);
  else ({ text: verdictText, blocks } = await agreeP2p(comm, rec, text, ride ? (p.ride ?? undefined) : undefined));
  const err = verdict(comm, p, rec, verdictText);
  if (err) {
    // The rank whose argument it was keeps its own error as the cause.
    if (p.error !== undefined && err.cause === undefined) Object.defineProperty(err, 'cause', { value: p.error, configurable: true, writable: true });
    throw err;
  }
  if (rec[MISSED]! > 0 || !blocks) return undefined;
  // blocks[i] is rank (rank - i)'s: put them in rank order.
  const size = comm.size;
  return Array.from({ length: size }, (_, j) => blocks[(rank - j + size) % size]);
}

// Dissemination: in round k, send to rank + 2^k and receive from rank - 2^k. Payloads
// ride as in Bruck's allgather: a rank holds those of ranks rank, rank - 1, ..., and
// passes on as many as the receiver still lacks.
async function agreeP2p(comm: CommCore, rec: Float64Array, text: string, mine: Encoded | undefined): Promise<{ text: string; blocks: Rode }> {
  const blocks: Rode = [mine];
  const t = comm.transport;
  const p = comm.size;
  const r = comm.rank;
  const tag = agreeTag(comm);
  const world = (j: number): number => (comm.members ? comm.members[j]! : j);
  for (let k = 1; k < p; k <<= 1) {
    const from = world((r - k + p) % p);
    const recv = t.recv(comm.collContext, from, ANY_TAG, undefined);
    recv.promise.catch(() => undefined);
    const sent = t.send(comm.collContext, world((r + k) % p), tag, ARRAY_BUFFER, pack(rec, text, rec[MISSED]! > 0 ? [] : blocks.slice(0, Math.min(k, p - k))));
    if (!sent.done || sent.failed) await sent.promise;
    const got = await recv.promise;
    if (got.tag !== tag)
      throw new CollectiveMismatchError(comm.name, [
        { rank: r, call: 'a checked collective' },
        { rank: (r - k + p) % p, call: `${describeCall(comm, got.tag)} without the agreement step (RANKS_CHECK_COLLECTIVES=0 on that rank?)` },
      ]);
    text = combine(rec, got.data, text, blocks);
  }
  return { text, blocks };
}

// A message: the record, the text's length and the number of blocks (uint32 each), the
// text, then each block as kind, length (uint32 each) and bytes.
const HEAD = RECORD_BYTES + 8;

function pack(rec: Float64Array, text: string, blocks: Rode): Uint8Array {
  const t = text === '' ? undefined : Buffer.from(text, 'utf8');
  let size = HEAD + (t?.byteLength ?? 0);
  for (const b of blocks) size += 8 + (b?.bytes.byteLength ?? 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(new Uint8Array(rec.buffer), 0);
  view.setUint32(RECORD_BYTES, t?.byteLength ?? 0, true);
  view.setUint32(RECORD_BYTES + 4, blocks.length, true);
  let at = HEAD;
  if (t) {
    out.set(t, at);
    at += t.byteLength;
  }
  for (const b of blocks) {
    view.setUint32(at, b ? b.kind : NO_BLOCK, true);
    view.setUint32(at + 4, b?.bytes.byteLength ?? 0, true);
    if (b) out.set(b.bytes, at + 8);
    at += 8 + (b?.bytes.byteLength ?? 0);
  }
  return out;
}

/**
 * MAX of the records into `rec`, the received blocks appended to `blocks`; returns the
 * text of the lowest bad rank seen so far.
 */
function combine(rec: Float64Array, data: Uint8Array, text: string, blocks: Rode): string {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const takeText = view.getFloat64(BAD_LO * 8, true) > rec[BAD_LO]!;
  for (let i = 0; i < FIELDS; i++) {
    const v = view.getFloat64(i * 8, true);
    if (v > rec[i]!) rec[i] = v;
  }
  const textBytes = view.getUint32(RECORD_BYTES, true);
  const count = view.getUint32(RECORD_BYTES + 4, true);
  if (takeText) text = Buffer.from(data.buffer, data.byteOffset + HEAD, textBytes).toString('utf8');
  let at = HEAD + textBytes;
  for (let i = 0; i < count; i++) {
    const kind = view.getUint32(at, true);
    const len = view.getUint32(at + 4, true);
    // A copy: aligned for its kind, and owned by whoever decodes it.
    blocks.push(kind === NO_BLOCK ? undefined : { kind, bytes: data.slice(at + 8, at + 8 + len) });
    at += 8 + len;
  }
  return text;
}

async function agreeNative(comm: CommCore, rec: Float64Array, text: string): Promise<string> {
  const n = comm.transport.collectives!;
  const ctx = comm.collContext - 1;
  const bytes = new Uint8Array(rec.buffer);
  await wait(n.reduce(ctx, 'all', FLOAT64, bytes, bytes, FIELDS, MAX, 0));
  if (rec[BAD_LO]! <= 0) return '';
  const from = R - Math.floor(rec[BAD_LO]! / 64);
  const buf = new Uint8Array(TEXT_BYTES);
  if (comm.rank === from) {
    const t = Buffer.from(text, 'utf8').subarray(0, TEXT_BYTES - 4);
    new DataView(buf.buffer).setUint32(0, t.byteLength, true);
    buf.set(t, 4);
  }
  await wait(n.bcast(ctx, buf, from));
  const len = new DataView(buf.buffer).getUint32(0, true);
  return Buffer.from(buf.buffer, 4, len).toString('utf8');
}

function wait(op: TransportOp<void>): Promise<void> | void {
  if (!op.done || op.failed) return op.promise;
}

function describeError(err: unknown): string {
  const e = err as { message?: unknown; path?: unknown; what?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return JSON.stringify({ message, path: typeof e?.path === 'string' ? e.path : undefined, name: (err as Error)?.name });
}

// The same error on every rank, from the combined record.
function verdict(comm: CommCore, p: Proposal, rec: Float64Array, text: string): Error | undefined {
  const call = collName(p.coll);
  if (rec[BAD_LO]! > 0) {
    const first = R - Math.floor(rec[BAD_LO]! / 64);
    const code = CODES[(rec[BAD_LO]! % 64) - 1];
    const last = rec[BAD_HI]! - 1;
    let original: { message: string; path?: string; name?: string };
    try {
      original = JSON.parse(text) as typeof original;
    } catch {
      original = { message: text };
    }
    const who = last === first ? `rank ${first}` : `rank ${first} (and rank ${last})`;
    const message = `${original.message} [${who} of ${comm.name}; every rank of this ${call} gets this error]`;
    return rebuild(code, message, original.path);
  }
  const hi = rec[SIG_HI]!;
  const lo = rec[SIG_LO]!;
  const hiSig = Math.floor(hi / R);
  const loSig = SIG_SPAN - Math.floor(lo / R);
  if (hiSig !== loSig) {
    const loRank = R - 1 - (lo % R);
    const hiRank = R - 1 - (hi % R);
    return new CollectiveMismatchError(comm.name, [
      { rank: loRank, call: describeCall(comm, loSig) },
      { rank: hiRank, call: describeCall(comm, hiSig) },
    ]);
  }
  const shi = rec[SHAPE_HI]!;
  const slo = rec[SHAPE_LO]!;
  if (shi >= 0 && Math.floor(shi / R) !== SHAPE_SPAN - 1 - Math.floor(slo / R)) {
    const a = R - 1 - (slo % R);
    const b = R - 1 - (shi % R);
    return new InvalidArgumentError(
      `${call} on ${comm.name}: ranks ${Math.min(a, b)} and ${Math.max(a, b)} passed ${p.shapeWhat ?? 'values of different shapes'}; every rank must pass the same [every rank of this ${call} gets this error]`,
    );
  }
  return undefined;
}

function rebuild(code: ErrorCode | undefined, message: string, path: string | undefined): Error {
  let err: Error;
  if (code === 'ERR_OUT_OF_RANGE') return new ArgumentRangeError(message);
  if (code === 'ERR_DATA_CLONE') err = new DataCloneError(path ?? 'value', '');
  else if (code === 'ERR_INVALID_ARG') err = new InvalidArgumentError('');
  else err = new RanksError('ERR_INVALID_ARG', '');
  Object.defineProperty(err, 'message', { value: message, writable: true, configurable: true });
  return err;
}

/** A 32-bit hash of some numbers (FNV-1a over their float64 bytes), for shapes. */
export function shapeOf(...parts: readonly number[]): number {
  const f = new Float64Array(parts);
  const b = new Uint8Array(f.buffer);
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}
