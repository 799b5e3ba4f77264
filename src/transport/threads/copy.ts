/**
 * Copying straight out of another rank thread's memory. Rank threads share one address
 * space, but each has its own V8 heap, so JavaScript cannot read a peer's ArrayBuffer;
 * libc's memcpy, called through koffi (already a dependency, for MPI), can. A large send
 * then offers its buffer's address, the receiver copies once, straight into its
 * destination, and the send completes when the copy has: the one copy Open MPI's
 * single-copy mechanisms (CMA, XPMEM) give processes. See bulk.ts for the protocol and
 * its fall-backs, control.ts's READERS for how a sender's memory outlives every copy.
 *
 * Loaded on the first large message, so small jobs never load the native addon; where it
 * cannot load (an unknown libc) or RANKS_ONE_COPY=0, large messages take the bulk area's
 * two copies.
 */
import { createRequire } from 'node:module';
import { config } from '../../config/config.ts';

interface OneCopy {
  address(view: Uint8Array): number;
  /** Copies `n` bytes from address `src` into `dst`. */
  memcpy(dst: Uint8Array, src: number, n: number): unknown;
  /** Copies `n` bytes from address `src` to address `dst`. */
  move(dst: number, src: number, n: number): unknown;
}

let loaded: OneCopy | null | undefined;

function libcName(): string | undefined {
  if (process.platform === 'linux') return 'libc.so.6';
  if (process.platform === 'darwin') return 'libSystem.B.dylib';
  if (process.platform === 'win32') return 'msvcrt.dll';
  return undefined;
}

function load(): OneCopy | null {
  const name = libcName();
  if (!name || !config().oneCopy) return null;
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    const lib = koffi.load(name);
    return {
      address: (view) => Number(koffi.address(view)),
      memcpy: lib.func('void *memcpy(void *dst, uintptr_t src, size_t n)') as OneCopy['memcpy'],
      move: lib.func('void *memcpy(uintptr_t dst, uintptr_t src, size_t n)') as OneCopy['move'],
    };
  } catch {
    return null;
  }
}

/** The single-copy path, or null where it is off or cannot load. */
export function oneCopy(): OneCopy | null {
  if (loaded === undefined) loaded = load();
  return loaded;
}
