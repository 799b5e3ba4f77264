// Finding the system's MPI library: an explicit path, else the sonames of the two ABI
// families (Open MPI's libmpi.so.40; MPICH's libmpich.so.12 and the MPICH-ABI libmpi.so.12
// of Intel MPI, MVAPICH and Cray), tried in the order the launcher suggests.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { LibraryHandle } from 'koffi';
import { config, type Config } from '../../config/config.ts';
import type { Family } from '../../config/launcher.ts';
import { MpiError } from '../../errors.ts';

/** The two handle/constant layouts ranks knows (see abi.ts). */
export type { Family } from '../../config/launcher.ts';

export interface MpiLibrary {
  /** What was passed to dlopen: a path or a soname. */
  path: string;
  family: Family;
  lib: LibraryHandle;
  /** First line of MPI_Get_library_version. */
  version: string;
}

const OPEN_MPI = ['libmpi.so.40'];
const MPICH = ['libmpich.so.12', 'libmpi.so.12'];
// Where distributions put them when they are not on the loader's path (Fedora/RHEL modules).
const DIRS = ['/usr/lib64/openmpi/lib', '/usr/lib64/mpich/lib', '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/local/lib'];

/** Under Open MPI's launcher, Open MPI first; under hydra (MPICH), MPICH first. */
export function candidates(c: Config = config()): string[] {
  if (c.mpiLib) return [c.mpiLib];
  const ompiFirst = c.launcher.family === 'openmpi';
  const names = ompiFirst ? [...OPEN_MPI, ...MPICH] : [...MPICH, ...OPEN_MPI];
  return [...names, ...DIRS.flatMap((d) => names.map((n) => `${d}/${n}`)).filter((p) => existsSync(p))];
}

type Koffi = typeof import('koffi');
let koffiModule: Koffi | undefined | null;

/** koffi, loaded on first use so that ranks without MPI never needs its native addon. */
export function koffi(): Koffi {
  if (koffiModule === undefined) {
    try {
      koffiModule = createRequire(import.meta.url)('koffi') as Koffi;
    } catch {
      koffiModule = null;
    }
  }
  if (!koffiModule) throw new MpiError('load koffi', -1, '', 'The MPI transport needs the koffi package (npm install koffi), which could not be loaded here');
  return koffiModule;
}

/**
 * Loads the first MPI library that opens, and tells its family by an Open MPI-only
 * exported symbol. Throws MpiError naming everything tried.
 */
export function loadMpiLibrary(c: Config = config()): MpiLibrary {
  const k = koffi();
  ucxDefaults(process.env);
  const tried: string[] = [];
  for (const path of candidates(c)) {
    let lib: LibraryHandle;
    try {
      // RTLD_GLOBAL: Open MPI's plugins resolve libmpi's symbols through the global scope.
      lib = k.load(path, { global: true });
    } catch (err) {
      tried.push(`${path} (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    const family: Family = hasSymbol(lib, 'ompi_mpi_comm_world') ? 'openmpi' : 'mpich';
    if (family === 'mpich' && !hasSymbol(lib, 'MPI_Comm_rank')) {
      tried.push(`${path} (not an MPI library)`);
      continue;
    }
    return { path, family, lib, version: libraryVersion(lib) };
  }
  throw new MpiError(
    'dlopen',
    -1,
    '',
    `No MPI library could be loaded; tried ${tried.join(', ') || 'nothing'}. Install MPICH or Open MPI, or set RANKS_MPI_LIB to the library's path`,
  );
}

// UCX (under MPICH's ch4:ucx and Open MPI's pml ucx) watches memory being unmapped, for
// its registration cache. By default (UCX_MEM_MMAP_HOOK_MODE=bistro) libucm's constructor
// does that by rewriting the first bytes of libc's mmap, munmap, madvise, brk, ... and then
// tests the hooks by moving the program break up a page and back. UCX assumes that runs
// before any other thread does; here it runs in a dlopen inside a running Node, whose
// threads (V8's GC and compilers, libuv's pool, workers) grow the heap with brk
// meanwhile, and the heap loses its top page: a later malloc'd object lies past the
// break (SIGSEGV, "address not mapped", in std::vector or V8, early in a run). So no
// hooks: UCX then runs without its registration cache (a DIAG line says so), which costs
// a registration per zero-copy transfer on RDMA networks, never correctness. Reloc mode
// is no way out: it also needs UCX's malloc replacement, which stays off (a second
// allocator under V8 is no gain). Set before the library loads, since UCX reads them
// then; a value the user set is kept.
function ucxDefaults(env: NodeJS.ProcessEnv): void {
  env.UCX_MEM_MMAP_HOOK_MODE ??= 'none';
  env.UCX_MEM_MALLOC_HOOKS ??= 'no';
  env.UCX_MEM_MALLOC_RELOC ??= 'no';
}

function hasSymbol(lib: LibraryHandle, name: string): boolean {
  try {
    lib.symbol(name);
    return true;
  } catch {
    return false;
  }
}

// MPI_Get_library_version may be called before MPI_Init.
function libraryVersion(lib: LibraryHandle): string {
  try {
    const fn = lib.func('int MPI_Get_library_version(_Out_ char *version, _Out_ int *len)');
    const buf = Buffer.alloc(8192);
    const len = [0];
    fn(buf, len);
    return buf
      .subarray(0, Math.min(len[0] ?? 0, buf.length))
      .toString('latin1')
      .split('\0')[0]!
      .split('\n')[0]!
      .replace(/\s+/g, ' ')
      .trim();
  } catch {
    return 'unknown MPI library';
  }
}
