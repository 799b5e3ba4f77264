/**
 * libc, called through koffi (already a dependency, for MPI), for two things JavaScript
 * cannot do. Loaded on the first large message, so small jobs never load the native
 * addon; where it cannot load (no koffi, an unknown libc) both are simply off.
 *
 * One copy: rank threads share one address space, but each has its own V8 heap, so
 * JavaScript cannot read a peer's ArrayBuffer; memcpy can. A large send offers its
 * buffer's address and the receiver copies once, straight into its destination (see
 * threads/bulk.ts for the protocol, threads/control.ts's READERS for how a thread's memory
 * outlives every copy out of it): the one copy Open MPI's CMA and XPMEM give processes.
 *
 * Freed memory kept: glibc returns large freed blocks to the kernel (blocks past its mmap
 * threshold, and the top of its heaps past the trim threshold), so the next large message
 * buffer is fresh memory, and every page of it costs a fault when first written. On a
 * virtual machine that is several microseconds a page: zeroing a fresh 8 MiB took 22 ms
 * where rewriting a kept one takes 0.3. ranks raises both thresholds once, on its first
 * large message, so message buffers come back from the heap already mapped (RANKS_KEEP_MEMORY).
 */
import { createRequire } from 'node:module';
import { config } from '../config/config.ts';

interface Libc {
  koffi: typeof import('koffi');
  lib: ReturnType<(typeof import('koffi'))['load']>;
}

interface OneCopy {
  address(view: Uint8Array): number;
  /** Copies `n` bytes from address `src` into `dst`. */
  memcpy(dst: Uint8Array, src: number, n: number): unknown;
  /** Copies `n` bytes from address `src` to address `dst`. */
  move(dst: number, src: number, n: number): unknown;
}

let libcLoaded: Libc | null | undefined;
let copyLoaded: OneCopy | null | undefined;
let kept = false;

function libcName(): string | undefined {
  if (process.platform === 'linux') return 'libc.so.6';
  if (process.platform === 'darwin') return 'libSystem.B.dylib';
  if (process.platform === 'win32') return 'msvcrt.dll';
  return undefined;
}

function libc(): Libc | null {
  if (libcLoaded !== undefined) return libcLoaded;
  const name = libcName();
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi');
    libcLoaded = name ? { koffi, lib: koffi.load(name) } : null;
  } catch {
    libcLoaded = null;
  }
  return libcLoaded;
}

/** The single-copy path, or null where it is off (RANKS_ONE_COPY=0) or cannot load. */
export function oneCopy(): OneCopy | null {
  if (copyLoaded !== undefined) return copyLoaded;
  const c = config().oneCopy ? libc() : null;
  try {
    copyLoaded = c && {
      address: (view) => Number(c.koffi.address(view)),
      memcpy: c.lib.func('void *memcpy(void *dst, uintptr_t src, size_t n)') as OneCopy['memcpy'],
      move: c.lib.func('void *memcpy(uintptr_t dst, uintptr_t src, size_t n)') as OneCopy['move'],
    };
  } catch {
    copyLoaded = null;
  }
  return copyLoaded;
}

/** glibc's mallopt parameters. */
const M_TRIM_THRESHOLD = -1;
const M_MMAP_THRESHOLD = -3;
/** The most glibc takes for M_MMAP_THRESHOLD on 64-bit systems: blocks up to it come from the heap. */
const MMAP_THRESHOLD = 32 << 20;
/** Free memory a heap may keep at its top. */
const TRIM_THRESHOLD = 256 << 20;

/** Once per process, on the first large message: keeps freed large blocks for reuse (glibc only; RANKS_KEEP_MEMORY=0: not). */
export function keepFreedMemory(): void {
  if (kept) return;
  kept = true;
  if (process.platform !== 'linux' || !config().keepMemory) return;
  const c = libc();
  if (!c) return;
  try {
    const mallopt = c.lib.func('int mallopt(int param, int value)') as (param: number, value: number) => number;
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
  } catch {
    // Not glibc (musl has no mallopt): its allocator keeps its own policy.
  }
}
