// Collective reads and writes at explicit offsets on threads and processes, the way
// ROMIO's two-phase I/O does them: every rank learns every rank's block; when the blocks
// are small, a few aggregator ranks each own one contiguous domain of the file, gather
// the pieces that fall in it (writes) and move it with one pwrite per contiguous run, or
// read it in runs and hand the pieces out (reads). Large blocks go straight to the file.
// The call ends with every rank agreeing on the outcome (an error anywhere fails it on
// every rank) and, for reads, on where the file ended.
import type { FileHandle } from 'node:fs/promises';
import type { Communicator } from '../comm/communicator.ts';
import { readFull, writeFull } from './io.ts';
import { settle, type Gather } from './outcome.ts';

/** Blocks at least this large (on average) are not worth moving through an aggregator. */
export const DIRECT_BYTES = 1 << 20;
/** Each aggregator's domain is at most this large (ROMIO's cb_buffer_size is 16 MiB). */
const DOMAIN_BYTES = 16 << 20;
const TAG = 3;

interface Piece {
  rank: number;
  start: number;
  end: number;
}

/** How a collective call moves its data: 'auto' aggregates small blocks only. */
export type Aggregation = 'auto' | 'always' | 'never';

/**
 * One collective read or write of `buf` at byte `pos` of the file: returns the bytes
 * moved (for reads, fewer at the end of the file). `failed`: this rank's failed checks,
 * which fail the call on every rank.
 */
export async function collective(
  comm: Communicator,
  gather: Gather,
  h: FileHandle,
  path: string,
  write: boolean,
  pos: number,
  buf: Uint8Array,
  mode: Aggregation,
  failed?: unknown,
): Promise<number> {
  const what = write ? 'writeAtAll' : 'readAtAll';
  const n = buf.byteLength;
  // One round: every rank's block, and whether any rank's call failed its checks.
  const all = (await settle(gather, path, failed, what, [pos, n] as const)).flat();
  const pieces: Piece[] = [];
  for (let r = 0; r < comm.size; r++) if (all[2 * r + 1]! > 0) pieces.push({ rank: r, start: all[2 * r]!, end: all[2 * r]! + all[2 * r + 1]! });
  const total = pieces.reduce((s, p) => s + p.end - p.start, 0);
  const direct = mode === 'never' || comm.size === 1 || pieces.length === 0 || (mode === 'auto' && total / pieces.length >= DIRECT_BYTES);
  let error: unknown;
  let eof = Infinity;
  try {
    if (direct) {
      const got = n === 0 ? 0 : write ? await writeFull(h, buf, pos) : await readFull(h, buf, pos);
      if (!write && got < n) eof = pos + got;
    } else {
      eof = await aggregate(comm, h, write, pos, buf, pieces);
    }
  } catch (err) {
    error = err;
  }
  const eofs = await settle(gather, path, error, what, eof);
  if (write) return n;
  const end = Math.min(...eofs);
  return Math.max(0, Math.min(n, end - pos));
}

// The exchange with the aggregators; returns where an aggregator's read met the end of the file (Infinity if none did).
async function aggregate(comm: Communicator, h: FileHandle, write: boolean, pos: number, buf: Uint8Array, pieces: Piece[]): Promise<number> {
  const lo = Math.min(...pieces.map((p) => p.start));
  const hi = Math.max(...pieces.map((p) => p.end));
  const count = Math.min(comm.size, Math.max(1, Math.ceil((hi - lo) / DOMAIN_BYTES)));
  const span = Math.ceil((hi - lo) / count);
  const aggregator = (a: number): number => Math.floor((a * comm.size) / count);
  const me = comm.rank;
  const transfers: Promise<unknown>[] = [];
  // My block's part in each domain: sent to (or, for reads, received from) its aggregator.
  const mine: { agg: number; at: number; bytes: Uint8Array }[] = [];
  for (let a = 0; a < count; a++) {
    const s = Math.max(pos, lo + a * span);
    const e = Math.min(pos + buf.byteLength, lo + (a + 1) * span);
    if (s < e) mine.push({ agg: aggregator(a), at: s, bytes: buf.subarray(s - pos, e - pos) });
  }
  if (write) for (const m of mine) if (m.agg !== me) transfers.push(comm.send(m.bytes, m.agg, { tag: TAG }));
  const a = Array.from({ length: count }, (_, i) => aggregator(i)).indexOf(me);
  let eof = Infinity;
  let failed: unknown;
  if (a >= 0) {
    const dlo = lo + a * span;
    const dhi = Math.min(hi, dlo + span);
    const domain = new Uint8Array(dhi - dlo);
    const parts = pieces.map((p) => ({ rank: p.rank, start: Math.max(p.start, dlo), end: Math.min(p.end, dhi) })).filter((p) => p.start < p.end);
    if (write) {
      await Promise.all(
        parts.map((p) => {
          const into = domain.subarray(p.start - dlo, p.end - dlo);
          if (p.rank !== me) return comm.recv({ source: p.rank, tag: TAG, into });
          into.set(buf.subarray(p.start - pos, p.end - pos));
          return Promise.resolve();
        }),
      );
      for (const [s, e] of runs(parts)) await writeFull(h, domain.subarray(s - dlo, e - dlo), s);
    } else {
      // A failed read still hands its pieces out (the error is settled after), so no rank waits forever.
      try {
        for (const [s, e] of runs(parts)) {
          const got = await readFull(h, domain.subarray(s - dlo, e - dlo), s);
          if (got < e - s) eof = Math.min(eof, s + got);
        }
      } catch (err) {
        failed = err;
      }
      for (const p of parts) {
        const piece = domain.subarray(p.start - dlo, p.end - dlo);
        if (p.rank === me) buf.set(piece, p.start - pos);
        else transfers.push(comm.send(piece, p.rank, { tag: TAG }));
      }
    }
  }
  if (!write) for (const m of mine) if (m.agg !== me) transfers.push(comm.recv({ source: m.agg, tag: TAG, into: m.bytes }));
  await Promise.all(transfers);
  if (failed !== undefined) throw failed;
  return eof;
}

// The contiguous runs the pieces cover, in file order.
function runs(parts: Piece[]): [number, number][] {
  const sorted = parts.map((p): [number, number] => [p.start, p.end]).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}
