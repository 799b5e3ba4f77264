// Making a window, collectively: every rank checks its own arguments, then all of them
// learn every rank's kind, length and byte offset (and any rank's error, so all fail
// alike), and the transport's backend is built on a private duplicate of the communicator.
import { Communicator } from '../comm/communicator.ts';
import type { TypedArray } from '../comm/collectives/ops.ts';
import { InvalidArgumentError, RanksError, isRanksError, type ErrorCode } from '../errors.ts';
import type { Backend, BackendInit, Flavor } from './backend.ts';
import { Win } from './win.ts';

interface Local {
  kind: number;
  length: number;
  memory: TypedArray | undefined;
}

type Shared = [kind: number, length: number, offset: number] | { code: ErrorCode; message: string };

async function backendFor(init: BackendInit): Promise<Backend> {
  const name = init.comm.transport.name;
  if (name === 'threads') return (await import('./threads.ts')).ThreadsBackend.create(init);
  if (name === 'processes') return (await import('./processes.ts')).ProcessesBackend.create(init);
  return (await import('./mpi.ts')).MpiBackend.create(init);
}

const NAMES: Record<Flavor, string> = { allocate: 'Win.allocate', create: 'Win.create', shared: 'Win.allocateShared' };

/** @internal Makes a window on every rank of `comm` (collective). */
export async function makeWindow(comm: Communicator, flavor: Flavor, local: () => Local): Promise<Win> {
  const where = NAMES[flavor];
  if (!(comm instanceof Communicator)) throw new InvalidArgumentError(`${where}: expected \`comm\` to be a Communicator, got ${typeof comm}`);
  const transport = comm.transport.name;
  // The same on every rank, so every rank throws here alike.
  if (flavor === 'shared' && transport === 'processes') {
    throw new InvalidArgumentError(`${where}: ranks of the processes transport cannot map each other's memory; use threads or MPI, or Win.allocate`);
  }
  let mine: Local | undefined;
  let error: unknown;
  try {
    const got = local();
    if (got.memory && transport === 'threads' && !(got.memory.buffer instanceof SharedArrayBuffer)) {
      throw new InvalidArgumentError(
        `${where}: on the threads transport the memory must live on a SharedArrayBuffer (new ${got.memory.constructor.name}(new SharedArrayBuffer(bytes))), so the other ranks can reach it`,
      );
    }
    mine = got;
  } catch (err) {
    error = err;
  }
  if (transport === 'mpi' && (await import('./mpi.ts')).mixedJob(comm)) return mixedWindow(comm, flavor, mine, error);
  const wc = await comm.dup();
  const entry: Shared = mine
    ? [mine.kind, mine.length, mine.memory?.byteOffset ?? 0]
    : { code: isRanksError(error) ? error.code : 'ERR_INVALID_ARG', message: String((error as Error)?.message ?? error) };
  const all = await wc.allgather(entry);
  const bad = all.findIndex((e) => !Array.isArray(e));
  if (bad >= 0) {
    if (error) throw error;
    const e = all[bad] as { code: ErrorCode; message: string };
    throw new RanksError(e.code, `${where}: rank ${bad} failed: ${e.message}`);
  }
  const rows = all as [number, number, number][];
  const layout = { kinds: rows.map((r) => r[0]), lengths: rows.map((r) => r[1]), offsets: rows.map((r) => r[2]) };
  const backend = await backendFor({ comm: wc, layout, flavor, memory: mine!.memory });
  return new Win(backend, layout, wc, flavor);
}

// A job mixed with other programs (mpi4py or C ranks): they take part in MPI_Win_* on the
// communicator itself and know nothing of ranks' agreement, so the window is made on it
// directly, and what other ranks expose is theirs to know: ranks checks this rank's own
// part, and MPI the rest.
async function mixedWindow(comm: Communicator, flavor: Flavor, mine: Local | undefined, error: unknown): Promise<Win> {
  if (!mine) throw error;
  const size = comm.size;
  const layout = {
    kinds: Array<number>(size).fill(mine.kind),
    lengths: Array.from({ length: size }, (_, r) => (r === comm.rank ? mine.length : Infinity)),
    offsets: Array<number>(size).fill(0),
  };
  const backend = await backendFor({ comm, layout, flavor, memory: mine.memory });
  return new Win(backend, layout, comm, flavor);
}
