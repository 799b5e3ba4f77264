// comm.spawn(): the collective that starts new ranks and hands back the intercommunicator
// to them. The spawning ranks agree on the call, on root's arguments and on a context for
// the intercommunicator (larger than any they have used); root then asks whoever starts
// ranks here (the threads or processes launcher, or MPI_Comm_spawn, collective over comm
// on MPI) and every rank learns the outcome alike: the Intercomm, or the same SpawnError.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { InvalidArgumentError, SpawnError } from '../errors.ts';
import { checkInteger } from '../validate.ts';
import type { Communicator } from '../comm/communicator.ts';
import type { Contexts } from '../comm/options.ts';
import { checkRoot } from '../comm/validate.ts';
import type { ThreadsTransport } from '../transport/threads/transport.ts';
import { intercommOf, privateLocal, type Intercomm } from './intercomm.ts';
import { mpiSpawn } from './mpi.ts';
import type { SpawnReply, SpawnRequest } from './protocol.ts';
import { processSpawner } from './starter.ts';

/** Options of `comm.spawn()`; only root's count (MPI's rule). */
export interface SpawnOptions {
  /** The spawned ranks' `process.argv.slice(2)` (MPI's `argv`). */
  args?: readonly string[];
  /** How many ranks to start: the size of their world (default 1). */
  maxprocs?: number;
  /** The rank whose script, args and maxprocs count (default 0). */
  root?: number;
}

let nextId = 0;

/** Root's arguments, checked: the script's file URL and path, args, maxprocs. */
function checkSpawn(script: unknown, options: SpawnOptions | undefined): { url: string; args: string[]; maxprocs: number } {
  if (!(script instanceof URL) && typeof script !== 'string')
    throw new InvalidArgumentError(`Expected \`script\` to be a path or file URL, got ${script === null ? 'null' : typeof script}`);
  const url = script instanceof URL ? script.href : script.startsWith('file:') ? script : pathToFileURL(resolve(script)).href;
  const args = options?.args ?? [];
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string'))
    throw new InvalidArgumentError(`Expected \`args\` to be an array of strings, got ${JSON.stringify(args)}`);
  const maxprocs = checkInteger('maxprocs', options?.maxprocs ?? 1, { min: 1 });
  return { url, args: [...args], maxprocs };
}

/** @internal
 * Starts `maxprocs` ranks running `script` (collective over `comm`; root's arguments
 * count) and resolves on every rank of `comm` with the Intercomm to them; rejects with the
 * same error on every rank when root's arguments are bad or the ranks cannot start.
 */
export async function spawn(comm: Communicator, contexts: Contexts, script: string | URL, options?: SpawnOptions): Promise<Intercomm> {
  let error: unknown;
  let root = 0;
  let checked: ReturnType<typeof checkSpawn> | undefined;
  try {
    root = checkRoot(options?.root, comm.size);
    if (comm.rank === root) checked = checkSpawn(script, options);
  } catch (err) {
    error = err;
  }
  const { context } = await comm.agreeContext(0, comm.rank, { error, root });
  // Root's script is missing: the same SpawnError on every rank, before anything starts.
  const path = checked && fileURLToPath(checked.url);
  const missing = await comm.bcast(path && !existsSync(path) ? `Cannot spawn ${path}: no such file` : null, root);
  if (missing) throw new SpawnError(missing);
  const t = comm.transport;
  const parents = comm.group.members.slice();
  const name = `${comm.name}.spawn()`;
  if (t.name === 'mpi') {
    const remote = await mpiSpawn(comm, root, checked, context);
    const local = privateLocal(t, comm.context, context, comm.group, contexts);
    return intercommOf(t, context, local, remote, true, name, contexts);
  }
  let reply: SpawnReply | undefined;
  if (comm.rank === root) {
    const request: SpawnRequest = { id: nextId++, script: checked!.url, args: checked!.args, maxprocs: checked!.maxprocs, parents, context };
    reply = await startRanks(t, request);
  }
  const got = (await comm.bcast(reply, root)) as SpawnReply;
  if ('error' in got) throw new SpawnError(got.error.message);
  const local = privateLocal(t, comm.context, context, comm.group, contexts);
  return intercommOf(t, context, local, got.ranks, true, name, contexts);
}

/** Asks whoever starts ranks on this transport; an answer with an error when nothing can. */
async function startRanks(t: Communicator['transport'], request: SpawnRequest): Promise<SpawnReply> {
  const op = t.name === 'threads' ? (t as ThreadsTransport).requestSpawn(request)?.promise : processSpawner()?.(request);
  if (op) return op;
  return {
    id: request.id,
    error: { message: 'Nothing here can start ranks: spawn needs `ranks run`, launch() or an MPI launcher (a plain script is a world of one)' },
  };
}
