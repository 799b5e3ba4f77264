import { bytesOf, decode, encode, type Encoded } from '../../codec/encode.ts';
import { isValueKind, kindName } from '../../codec/kinds.ts';
import { KindMismatchError, TruncationError } from '../../errors.ts';
import { Call, Coll, EMPTY, RAW, all, early, refusedMessage, type CommCore } from './call.ts';
import { CTRL, bcastLeaf, bcastRoot, pairDirect, shmFor } from './shm.ts';
import { binomial } from './tree.ts';
import { nativeBarrier, nativeBcast, nativeOf } from './native.ts';

/** Dissemination barrier: ceil(log2 size) rounds of empty messages. */
export async function barrier(comm: CommCore): Promise<void> {
  const n = nativeOf(comm);
  if (n) return nativeBarrier(n, comm);
  const c = new Call(comm, Coll.Barrier);
  const p = c.size;
  for (let k = 1; k < p; k <<= 1) {
    const recv = early(c.recv((c.rank - k + p) % p));
    await c.send((c.rank + k) % p, 0, RAW, EMPTY).promise;
    await recv;
  }
}

// Shared-memory announcements are 32 bytes; a smaller `into` cannot take one in place.
const CTRL_BYTES = 32;

/**
 * Binomial-tree broadcast for small payloads; on shared memory, large payloads are
 * copied once into the root's segment and once out of it by each receiver (between two
 * threads, one message copied once: pairDirect).
 */
export async function bcast(comm: CommCore, value: unknown, root: number, encoded?: Encoded): Promise<unknown> {
  const n = nativeOf(comm);
  if (n) return nativeBcast(n, comm, value, root, encoded);
  const c = new Call(comm, Coll.Bcast, root);
  const p = c.size;
  if (p === 1) return value;
  const vrank = (c.rank - root + p) % p;
  const { parent, children } = binomial(vrank, p);
  const real = (v: number): number => (v + root) % p;
  const kids = children.map(real);
  if (vrank === 0) {
    const enc = encoded ?? encode(value);
    if (shmFor(comm, enc.bytes.byteLength) && !pairDirect(comm, enc.bytes.byteLength)) await bcastRoot(c, enc.kind, enc.bytes, kids);
    else await all(kids.map((k) => c.send(k, 0, enc.kind, enc.bytes)));
    return value;
  }
  const into = ArrayBuffer.isView(value) ? bytesOf(value) : undefined;
  const inPlace = into && into.byteLength >= CTRL_BYTES ? into : undefined;
  let first;
  try {
    first = await c.recv(real(parent), inPlace);
  } catch (err) {
    // This rank cannot take root's value, but its subtree still gets it.
    const taken = refusedMessage(err);
    if (taken) await all(kids.map((k) => c.send(k, 0, taken.kind, taken.data)));
    throw err;
  }
  if (c.phase(first) === CTRL) return bcastLeaf(c, root, first.data, real(parent), kids, value);
  await all(kids.map((k) => c.send(k, 0, first.kind, first.data)));
  if (!into) return decode(first.kind, first.data);
  if (!inPlace) {
    if (isValueKind(first.kind)) throw new KindMismatchError(kindName(first.kind), root, 0);
    if (first.bytes > into.byteLength) throw new TruncationError(first.bytes, into.byteLength, root, 0);
    into.set(first.data);
  }
  return value;
}
