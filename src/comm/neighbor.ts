// Neighbourhood collectives (MPI_Neighbor_allgather / alltoall and their v forms) on a
// communicator with a topology: point-to-point between each rank and its neighbours, on
// the communicator's collective context, in its collective turn. Every transport runs
// this code (under MPI it is point-to-point over the MPI transport: communicators are
// made by MPI_Comm_split, which carries no topology for MPI_Neighbor_*).
import { decode, encode } from '../codec/encode.ts';
import { OBJECT, rawKind } from '../codec/kinds.ts';
import { PROC_NULL } from '../constants.ts';
import { ArgumentRangeError, InvalidArgumentError } from '../errors.ts';
import type { Received } from '../transport/transport.ts';
import { callBits, Coll, type CommCore } from './collectives/call.ts';
import { isTypedArray, type TypedArray } from './collectives/ops.ts';

/** This rank's neighbourhood: where neighbourhood collectives send and receive. */
export interface Neighbourhood {
  /** Ranks this rank receives from, in result order (PROC_NULL: nothing arrives). */
  readonly sources: readonly number[];
  /** Ranks this rank sends to, in `values` order (PROC_NULL: nothing is sent). */
  readonly destinations: readonly number[];
  /** Key of each send: the receiver's slot for it is the one whose `recvKeys` entry matches. */
  readonly sendKeys: readonly number[];
  readonly recvKeys: readonly number[];
}

/** Options of the TypedArray forms of `neighborAllgather` and `neighborAlltoall`. */
export interface NeighborCountsOptions {
  /** neighborAllgather: elements expected from each source. neighborAlltoall: elements sent to each destination. */
  counts?: readonly number[];
  /** neighborAlltoall: elements expected from each source (default: what arrives; equal parts when `counts` is absent too). */
  recvCounts?: readonly number[];
}

/** The keys of lists that may repeat a rank: the k-th send to a rank is its k-th receive from this one (MPI's rule for graphs). */
export function occurrenceKeys(ranks: readonly number[]): number[] {
  const seen = new Map<number, number>();
  return ranks.map((r) => {
    const k = seen.get(r) ?? 0;
    seen.set(r, k + 1);
    return k;
  });
}

const MARK = '__ranksNeighborError';
interface Marker {
  [MARK]: string;
  code: string;
}

function isMarker(v: unknown): v is Marker {
  return typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[MARK] === 'string';
}

function checkCounts(name: string, counts: unknown, n: number): number[] | undefined {
  if (counts === undefined) return undefined;
  if (!Array.isArray(counts) || counts.length !== n)
    throw new InvalidArgumentError(
      `Expected \`${name}\` to have ${n} entries (one per neighbour), got ${Array.isArray(counts) ? counts.length : typeof counts}`,
    );
  counts.forEach((c: unknown, i) => {
    if (!Number.isInteger(c) || (c as number) < 0) throw new ArgumentRangeError(`Expected \`${name}[${i}]\` to be an integer >= 0, got ${String(c)}`);
  });
  return counts as number[];
}

interface Parts {
  sends: ({ kind: number; bytes: Uint8Array } | undefined)[];
  typed?: TypedArray;
  recvCounts?: number[];
}

/**
 * Runs one neighbourhood exchange: `prepare` (may throw: this rank's argument error) gives
 * the payload of each destination. Every source's message is received even when some
 * rank failed, so nothing is left behind; then the first error seen is thrown.
 */
async function exchange(comm: CommCore, nb: Neighbourhood, coll: Coll, prepare: () => Parts): Promise<{ got: (Received | undefined)[]; parts: Parts }> {
  const t = comm.transport;
  const world = (r: number): number => (comm.members ? comm.members[r]! : r);
  let parts: Parts | undefined;
  let error: unknown;
  try {
    parts = prepare();
  } catch (err) {
    error = err;
  }
  const recvs = nb.sources.map((s, i) =>
    s === PROC_NULL ? Promise.resolve(undefined) : t.recv(comm.collContext, world(s), callBits(comm, coll, 0, nb.recvKeys[i]!), undefined).promise,
  );
  const sends = nb.destinations.map((d, j) => {
    if (d === PROC_NULL) return Promise.resolve();
    const enc = parts ? parts.sends[j]! : encode({ [MARK]: (error as Error).message, code: (error as { code?: string }).code ?? '' });
    return t.send(comm.collContext, world(d), callBits(comm, coll, 0, nb.sendKeys[j]!), enc.kind, enc.bytes).promise;
  });
  const got = await Promise.all(recvs);
  await Promise.all(sends);
  if (error !== undefined) throw error;
  for (let i = 0; i < got.length; i++) {
    const r = got[i];
    if (r?.kind !== OBJECT) continue;
    const v = decode(r.kind, r.data);
    if (isMarker(v)) {
      const message = `${v[MARK]} [rank ${nb.sources[i]}, a neighbour of rank ${comm.rank} in ${comm.name}]`;
      throw v.code === 'ERR_OUT_OF_RANGE' ? new ArgumentRangeError(message) : new InvalidArgumentError(message);
    }
  }
  return { got, parts: parts! };
}

function concat(like: TypedArray, got: (Received | undefined)[], lengths: number[], what: string, nb: Neighbourhood): TypedArray {
  const ctor = like.constructor as { new (n: number): TypedArray; BYTES_PER_ELEMENT: number };
  const out = new ctor(lengths.reduce((a, n) => a + n, 0));
  const bytes = new Uint8Array(out.buffer);
  const kind = rawKind(like);
  let at = 0;
  for (let i = 0; i < got.length; i++) {
    const r = got[i];
    const n = lengths[i]! * ctor.BYTES_PER_ELEMENT;
    if (r) {
      if (r.kind !== kind)
        throw new InvalidArgumentError(
          `${what}: rank ${nb.sources[i]} sent a ${r.kind === OBJECT ? 'value' : 'TypedArray of another kind'}, this rank expects ${like.constructor.name}`,
        );
      if (r.data.byteLength !== n)
        throw new InvalidArgumentError(
          `${what}: expected ${lengths[i]} elements from rank ${nb.sources[i]}, got ${r.data.byteLength / ctor.BYTES_PER_ELEMENT} (counts do not match)`,
        );
      bytes.set(r.data, at);
    }
    at += n;
  }
  return out;
}

/** neighborAllgather: every destination gets `value`; the result holds each source's, in order. */
export async function neighborAllgather(comm: CommCore, nb: Neighbourhood, value: unknown, options?: NeighborCountsOptions): Promise<unknown> {
  const { got, parts } = await exchange(comm, nb, Coll.NeighborAllgather, () => {
    const enc = encode(value);
    const typed = isTypedArray(value) ? value : undefined;
    const recvCounts = checkCounts('counts', options?.counts, nb.sources.length);
    if (recvCounts && !typed) throw new InvalidArgumentError('neighborAllgather: `counts` needs a TypedArray value');
    return { sends: nb.destinations.map(() => enc), typed, recvCounts };
  });
  if (parts.typed) return concat(parts.typed, got, parts.recvCounts ?? nb.sources.map(() => parts.typed!.length), 'neighborAllgather', nb);
  return got.map((r) => (r ? decode(r.kind, r.data) : undefined));
}

/** neighborAlltoall: destination j gets `values[j]` (or part j of a TypedArray); the result holds each source's, in order. */
export async function neighborAlltoall(comm: CommCore, nb: Neighbourhood, values: unknown, options?: NeighborCountsOptions): Promise<unknown> {
  const out = nb.destinations.length;
  const { got, parts } = await exchange(comm, nb, Coll.NeighborAlltoall, () => {
    if (isTypedArray(values)) {
      let counts = checkCounts('counts', options?.counts, out);
      const recvCounts = checkCounts('recvCounts', options?.recvCounts, nb.sources.length);
      if (!counts) {
        if (out === 0 ? values.length !== 0 : values.length % out !== 0)
          throw new InvalidArgumentError(
            `neighborAlltoall: a ${values.constructor.name} of ${values.length} elements does not split into ${out} equal parts (pass \`counts\`)`,
          );
        counts = nb.destinations.map(() => (out === 0 ? 0 : values.length / out));
      }
      const total = counts.reduce((a, n) => a + n, 0);
      if (total !== values.length) throw new InvalidArgumentError(`neighborAlltoall: \`counts\` add up to ${total}, the array has ${values.length} elements`);
      let at = 0;
      const sends = counts.map((n) => encode(values.subarray(at, (at += n))));
      return { sends, typed: values, recvCounts: recvCounts ?? (options?.counts ? undefined : nb.sources.map(() => (out === 0 ? 0 : values.length / out))) };
    }
    if (!Array.isArray(values) || values.length !== out)
      throw new InvalidArgumentError(
        `neighborAlltoall: expected an array of ${out} values (one per destination) or a TypedArray, got ${Array.isArray(values) ? `${values.length} values` : typeof values}`,
      );
    if (options?.counts || options?.recvCounts) throw new InvalidArgumentError('neighborAlltoall: `counts` needs a TypedArray');
    return { sends: values.map((v) => encode(v)) };
  });
  if (parts.typed) {
    const per = parts.typed.constructor as unknown as { BYTES_PER_ELEMENT: number };
    const lengths = parts.recvCounts ?? got.map((r) => (r ? r.data.byteLength / per.BYTES_PER_ELEMENT : 0));
    return concat(parts.typed, got, lengths, 'neighborAlltoall', nb);
  }
  return got.map((r) => (r ? decode(r.kind, r.data) : undefined));
}
