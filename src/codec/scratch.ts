/**
 * Large message buffers reused within a thread. A fresh buffer is fresh memory: every page
 * of it faults when first written, several microseconds a page on a virtual machine, so
 * encoding a 1 MiB string into a new buffer took ten times what the copy itself does. The
 * buffers an object message is encoded into (on the sender, once the send completes) and
 * received into (on the receiver, once the value is decoded from it: decoding copies
 * everything out) come back here and serve the next large message.
 *
 * Buffers are kept by power-of-two size class, up to KEEP_BYTES in all per thread; the
 * rest go to the garbage collector as before. A buffer is handed out once until it comes
 * back; one that comes back twice is kept once.
 */

/** Buffers from this size come from (and go back to) the pool. */
export const SCRATCH_MIN = 64 * 1024;
const KEEP_BYTES = 64 << 20;

const free = new Map<number, ArrayBuffer[]>();
/** Buffers the pool made and has handed out. */
const out = new WeakSet<ArrayBuffer>();
let kept = 0;

/** `bytes` bytes to be written whole before anyone reads them (not zeroed). */
export function scratch(bytes: number): Uint8Array {
  if (bytes < SCRATCH_MIN) return new Uint8Array(bytes);
  const size = 2 ** Math.ceil(Math.log2(bytes));
  let ab = free.get(size)?.pop();
  if (ab) kept -= size;
  else {
    const b = Buffer.allocUnsafeSlow(size);
    ab = b.buffer as ArrayBuffer;
  }
  out.add(ab);
  return new Uint8Array(ab, 0, bytes);
}

/** Gives back the buffer under `view` if the pool made it and nothing refers to its bytes any more. */
export function recycle(view: Uint8Array): void {
  const ab = view.buffer as ArrayBuffer;
  if (!out.has(ab)) return;
  out.delete(ab);
  const size = ab.byteLength;
  if (kept + size > KEEP_BYTES) return;
  let list = free.get(size);
  if (!list) free.set(size, (list = []));
  list.push(ab);
  kept += size;
}
