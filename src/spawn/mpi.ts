// Spawn on MPI: MPI_Comm_spawn (collective over the spawning communicator) starts
// `node <ranks cli> run --transport mpi <script> <args>` processes, which get their own
// MPI_COMM_WORLD; MPI_Comm_get_parent in each child finds the intercommunicator back. The
// entry points are bound from a table of their own (mpi().bind).
import { fileURLToPath } from 'node:url';
import { SpawnError } from '../errors.ts';
import type { Communicator } from '../comm/communicator.ts';
import { mpi, type Mpi } from '../transport/mpi/bindings.ts';
import type { MpiTransport } from '../transport/mpi/transport.ts';
import type { Transport } from '../transport/transport.ts';
import { hasRanksParent } from './starter.ts';
import { MPI_REMOTE_BASE } from './intercomm.ts';

type Ptr = ArrayBufferView | number | bigint | null;
type Fn<A extends unknown[]> = (...args: A) => number;

interface SpawnFunctions {
  Comm_spawn: Fn<[string, (string | null)[], number, number, number, number, Ptr, Ptr]>;
  Comm_get_parent: Fn<[Ptr]>;
  Comm_remote_size: Fn<[number, number[]]>;
  Comm_disconnect: Fn<[Ptr]>;
}

const TABLE: Record<keyof SpawnFunctions, string> = {
  Comm_spawn: 'int MPI_Comm_spawn(const char *, const char **, int, H, int, H, P, P)',
  Comm_get_parent: 'int MPI_Comm_get_parent(P)',
  Comm_remote_size: 'int MPI_Comm_remote_size(H, _Out_ int *)',
  Comm_disconnect: 'int MPI_Comm_disconnect(P)',
};

const bound = new WeakMap<Mpi, SpawnFunctions>();

function fns(m: Mpi): SpawnFunctions {
  let f = bound.get(m);
  if (!f) bound.set(m, (f = m.bind<SpawnFunctions>(TABLE)));
  return f;
}

/** MPI_INFO_NULL of the loaded library. */
function infoNull(m: Mpi): number {
  return m.abi.handle === 'int' ? 0x1c000000 : Number(m.library.lib.symbol('ompi_mpi_info_null') as unknown as bigint);
}

/** What a spawned MPI rank runs: node, spawn/mpi-child.js (which runs the script as `ranks run` does), the script and its args. */
export function spawnCommand(script: string, args: readonly string[]): { command: string; argv: string[] } {
  // Loaded from the TypeScript sources (tsx): the children need tsx too.
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(fromSource ? './mpi-child.ts' : './mpi-child.js', import.meta.url));
  const path = script.startsWith('file:') ? fileURLToPath(script) : script;
  return { command: process.execPath, argv: [...(fromSource ? ['--import', 'tsx'] : []), entry, path, ...args] };
}

// `foreign`: the remote group does not run ranks (an mpi4py or C manager): nothing collective is set up with it.
export function adopt(t: Transport, context: number, handle: number, remoteSize: number, foreign = false): number[] {
  const remote = Array.from({ length: remoteSize }, (_, i) => MPI_REMOTE_BASE + i);
  t.adoptInter!(context, handle, remote, foreign);
  return remote;
}

/**
 * MPI_Comm_spawn over `comm` (every rank calls it; root's `checked` arguments count),
 * then registers the intercommunicator under `context`. Resolves with the remote ranks'
 * addresses. The outcome is agreed: every rank gets the same SpawnError when the spawn failed.
 */
export async function mpiSpawn(
  comm: Communicator,
  root: number,
  checked: { url: string; args: string[]; maxprocs: number } | undefined,
  context: number,
): Promise<number[]> {
  const t = comm.transport as MpiTransport;
  const { rc, handle } = spawnHandle(t.channel(comm.context).comm, root, comm.rank === root ? checked : undefined);
  // Agree on the outcome: every rank rejects alike when any saw an error.
  const all = await comm.allgather(rc === 0 ? null : mpi().errorString(rc));
  const failedText = all.find((e) => e !== null);
  if (failedText) throw new SpawnError(`MPI_Comm_spawn failed: ${failedText}`);
  return adopt(t, context, handle, remoteSize(handle));
}

/**
 * MPI_Comm_spawn over the MPI communicator `comm` (blocking until the children have
 * started): `what` at root, undefined elsewhere. Returns MPI's code (the first child's
 * error when one failed to start) and the intercommunicator.
 */
export function spawnHandle(comm: number, root: number, what: { url: string; args: string[]; maxprocs: number } | undefined): { rc: number; handle: number } {
  const m = mpi();
  const f = fns(m);
  const out = new Uint8Array(8);
  let rc: number;
  if (what) {
    const { command, argv } = spawnCommand(what.url, what.args);
    const errcodes = new Int32Array(what.maxprocs);
    rc = f.Comm_spawn(command, [...argv, null], what.maxprocs, infoNull(m), root, comm, out, errcodes);
    if (rc === 0 && errcodes.some((c) => c !== 0)) rc = errcodes.find((c) => c !== 0)!;
  } else {
    rc = f.Comm_spawn('', [null], 0, infoNull(m), root, comm, out, null);
  }
  return { rc, handle: rc === 0 ? m.abi.readHandle(out, 0) : m.abi.commNull };
}

/** The remote group's size of an MPI intercommunicator. */
export function remoteSize(handle: number): number {
  const m = mpi();
  const size = [0];
  m.check(fns(m).Comm_remote_size(handle, size), 'MPI_Comm_remote_size');
  return size[0]!;
}

/**
 * In a rank started by MPI_Comm_spawn: the intercommunicator to its parents, registered
 * under `context`, and their addresses; undefined in a rank nobody spawned.
 */
export function mpiParent(t: Transport, context: number): number[] | undefined {
  const m = mpi();
  const f = fns(m);
  const out = new Uint8Array(8);
  m.check(f.Comm_get_parent(out), 'MPI_Comm_get_parent');
  const handle = m.abi.readHandle(out, 0);
  if (handle === m.abi.commNull) return undefined;
  const size = [0];
  m.check(f.Comm_remote_size(handle, size), 'MPI_Comm_remote_size');
  return adopt(t, context, handle, size[0]!, !hasRanksParent());
}
