import { OBJECT } from '../codec/kinds.ts';
import { SCRATCH_MIN, scratch } from '../codec/scratch.ts';
import { keepFreedMemory } from './libc.ts';

/**
 * The own buffer of a message of `kind`. Every byte of it is written before anyone sees
 * it, so a large one skips the zero-filling (calloc) a plain Uint8Array pays: on a machine
 * where a fresh page costs a fault (a VM), zeroing 8 MiB that the copy then overwrites
 * takes longer than the copy itself, and a message that goes to a receive's own buffer
 * never touches this one at all. A large object's comes from the thread's pool
 * (codec/scratch.ts) and goes back there once its value is decoded; any other kind's
 * buffer becomes the value the receiver gets, so it is exactly the message's size.
 */
export function allocate(total: number, kind: number): Uint8Array {
  if (total < SCRATCH_MIN) return new Uint8Array(total);
  keepFreedMemory();
  if (kind === OBJECT) return scratch(total);
  const b = Buffer.allocUnsafeSlow(total);
  return new Uint8Array(b.buffer, b.byteOffset, total);
}
