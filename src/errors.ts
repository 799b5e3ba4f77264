/**
 * Errors thrown by ranks. Match on `code`, never on `message`: codes are stable,
 * messages are for people.
 *
 * @example
 * try { await comm.recv({ into: small }); }
 * catch (err) { if (isRanksError(err) && err.code === 'ERR_TRUNCATE') grow(); }
 */

const brand = Symbol.for('ranks.error');

/** Every error code ranks raises, listed once. */
export type ErrorCode =
  | 'ERR_TRUNCATE'
  | 'ERR_KIND_MISMATCH'
  | 'ERR_DATA_CLONE'
  | 'ERR_OUT_OF_RANGE'
  | 'ERR_INVALID_ARG'
  | 'ERR_INVALID_STATE'
  | 'ERR_TIMEOUT'
  | 'ERR_ABORTED'
  | 'ERR_CANCELLED'
  | 'ERR_RANK_FAILED'
  | 'ERR_DEADLOCK'
  | 'ERR_PEER_EXITED'
  | 'ERR_BROKEN_POOL'
  | 'ERR_COLLECTIVE_MISMATCH'
  | 'ERR_MPI'
  | 'ERR_FILE'
  | 'ERR_SPAWN'
  | 'ERR_QUEUE_EMPTY'
  | 'ERR_QUEUE_FULL'
  | 'ERR_BROKEN_BARRIER'
  | 'ERR_EOF'
  | 'ERR_CLOSED'
  | 'ERR_NOT_HELD'
  | 'ERR_OVER_RELEASE';

/**
 * The class name of each code's error, listed once (the compiler keeps it complete). An
 * error that crossed a thread or process boundary as a plain Error (a rank's uncaught
 * error, as Node's worker 'error' event delivers it) keeps its `name` and `code`, not its
 * class or brand: {@link isRanksError} recognises it by this pair.
 */
export const ERROR_NAMES: Readonly<Record<ErrorCode, string>> = {
  ERR_TRUNCATE: 'TruncationError',
  ERR_KIND_MISMATCH: 'KindMismatchError',
  ERR_DATA_CLONE: 'DataCloneError',
  ERR_OUT_OF_RANGE: 'ArgumentRangeError',
  ERR_INVALID_ARG: 'InvalidArgumentError',
  ERR_INVALID_STATE: 'InvalidStateError',
  ERR_TIMEOUT: 'TimeoutError',
  ERR_ABORTED: 'AbortError',
  ERR_CANCELLED: 'CancelledError',
  ERR_RANK_FAILED: 'RankFailedError',
  ERR_DEADLOCK: 'DeadlockError',
  ERR_PEER_EXITED: 'PeerExitedError',
  ERR_BROKEN_POOL: 'BrokenPoolError',
  ERR_COLLECTIVE_MISMATCH: 'CollectiveMismatchError',
  ERR_MPI: 'MpiError',
  ERR_FILE: 'FileError',
  ERR_SPAWN: 'SpawnError',
  ERR_QUEUE_EMPTY: 'Empty',
  ERR_QUEUE_FULL: 'Full',
  ERR_BROKEN_BARRIER: 'BrokenBarrierError',
  ERR_EOF: 'EOFError',
  ERR_CLOSED: 'ClosedError',
  ERR_NOT_HELD: 'NotHeldError',
  ERR_OVER_RELEASE: 'OverReleaseError',
};

/**
 * True for any error raised by ranks: one made by this copy of ranks or another (a second
 * copy in node_modules, another realm: the brand is a `Symbol.for` symbol, shared by every
 * realm of the process), or one that crossed a thread or process as a plain Error and kept
 * its `name` and `code` (a ranks name with its ranks code, e.g. `TimeoutError` with
 * `ERR_TIMEOUT`: Node's own errors, whose codes also start with `ERR_`, do not pass).
 * `instanceof` holds only for errors of this copy, in this realm.
 *
 * @example
 * if (isRanksError(err)) console.error(err.code);
 */
export function isRanksError(err: unknown): err is RanksError {
  if (typeof err !== 'object' || err === null) return false;
  if ((err as Record<symbol, unknown>)[brand] === true) return true;
  const { code, name } = err as { code?: unknown; name?: unknown };
  return typeof code === 'string' && Object.hasOwn(ERROR_NAMES, code) && ERROR_NAMES[code as ErrorCode] === name;
}

/**
 * Base class of ranks' errors. Every instance has a stable `code`.
 *
 * @example
 * if (err instanceof RanksError) console.error(err.code, err.message);
 */
export class RanksError extends Error {
  declare readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    Object.defineProperty(this, 'code', { value: code, enumerable: true });
    Object.defineProperty(this, brand, { value: true });
  }
  override get name(): string {
    return this.constructor.name;
  }
}

/**
 * A message was larger than the `into` buffer given to `recv`. The message is kept
 * and can be received by a later call.
 *
 * @example
 * await comm.recv({ into: new Float64Array(2) }).catch((e) => e.bytes); // size needed
 */
export class TruncationError extends RanksError {
  constructor(
    readonly bytes: number,
    readonly capacity: number,
    readonly source: number,
    readonly tag: number,
  ) {
    super(
      'ERR_TRUNCATE',
      `Message of ${bytes} bytes from rank ${source} (tag ${tag}) does not fit the ${capacity}-byte receive buffer; it is kept for a later receive`,
    );
  }
}

/**
 * A receive with `into` met a message that is an object, not raw bytes. The message
 * is kept and can be received by a later call without `into`.
 *
 * @example
 * await comm.recv({ into: new Float64Array(4) }); // rejects if the sender sent { a: 1 }
 */
export class KindMismatchError extends RanksError {
  constructor(
    readonly kind: string,
    readonly source: number,
    readonly tag: number,
  ) {
    super(
      'ERR_KIND_MISMATCH',
      `Message from rank ${source} (tag ${tag}) is ${kind === 'object' ? 'an object' : `a ${kind}`}, which cannot be received into a typed array; it is kept for a later receive`,
    );
  }
}

/**
 * A value could not be serialized; `path` names the part that could not be (e.g. `value.handlers[2]`).
 *
 * @example
 * await comm.send({ f() {} }, 1).catch((e) => e.path); // 'value.f'
 */
export class DataCloneError extends RanksError {
  constructor(
    readonly path: string,
    what: string,
  ) {
    super('ERR_DATA_CLONE', `Cannot send ${path}: ${what} cannot be serialized`);
  }
}

/**
 * An argument is out of range (a rank outside the communicator, a negative tag).
 * It is a `RangeError`, and a ranks error by its `code` and brand.
 *
 * @example
 * comm.send(1, 99); // throws ArgumentRangeError (code ERR_OUT_OF_RANGE)
 */
export class ArgumentRangeError extends RangeError {
  declare readonly code: 'ERR_OUT_OF_RANGE';
  constructor(message: string) {
    super(message);
    Object.defineProperty(this, 'code', { value: 'ERR_OUT_OF_RANGE', enumerable: true });
    Object.defineProperty(this, brand, { value: true });
  }
  override get name(): string {
    return 'ArgumentRangeError';
  }
}

/**
 * An argument has the wrong type or shape.
 *
 * @example
 * comm.recv({ into: [] as never }); // throws InvalidArgumentError
 */
export class InvalidArgumentError extends RanksError {
  constructor(message: string) {
    super('ERR_INVALID_ARG', message);
  }
}

/**
 * An object was used in a state that does not allow it: a `Process` started twice, or
 * joined or terminated before it was started.
 *
 * @example
 * const p = new Process({ target: work }); p.start();
 * p.start(); // throws InvalidStateError (code ERR_INVALID_STATE)
 */
export class InvalidStateError extends RanksError {
  constructor(message: string) {
    super('ERR_INVALID_STATE', message);
  }
}

/**
 * An operation did not finish within its `timeout`.
 *
 * @example
 * await comm.recv({ timeout: 100 }); // rejects with TimeoutError after 100 ms without a message
 */
export class TimeoutError extends RanksError {
  constructor(
    what: string,
    readonly timeout: number,
  ) {
    super('ERR_TIMEOUT', `${what} timed out after ${timeout} ms`);
  }
}

/**
 * An operation was stopped by its `AbortSignal`; `cause` is the signal's reason.
 *
 * @example
 * const ac = new AbortController(); setTimeout(() => ac.abort(), 10);
 * await comm.recv({ signal: ac.signal }); // rejects with AbortError
 */
export class AbortError extends RanksError {
  constructor(what: string, reason?: unknown) {
    super('ERR_ABORTED', `${what} was aborted`, { cause: reason });
  }
}

/**
 * A request was cancelled with `Request.cancel()`.
 *
 * @example
 * const r = comm.irecv(); r.cancel(); await r; // rejects with CancelledError
 */
export class CancelledError extends RanksError {
  constructor(what: string) {
    super('ERR_CANCELLED', `${what} was cancelled`);
  }
}

/**
 * A rank of a job threw, exited non-zero, or was killed; the job was stopped. `signal`
 * names the signal that killed a rank process (`'SIGKILL'`), if one did.
 *
 * @example
 * await launch({ size: 2, script }).catch((e) => e.rank);
 */
export class RankFailedError extends RanksError {
  readonly signal: string | undefined;
  constructor(
    readonly rank: number,
    readonly exitCode: number,
    message: string,
    options?: { cause?: unknown; signal?: string | undefined },
  ) {
    super('ERR_RANK_FAILED', message, options);
    this.signal = options?.signal;
  }
}

/** One rank's blocked operation in a deadlock report. */
export interface BlockedWait {
  rank: number;
  /** 'segment': waiting for rank `peer`'s grown shared-memory segment (generation `tag`). */
  op: 'recv' | 'send' | 'probe' | 'segment';
  /** The peer waited for: a rank, or -1 for any source. */
  peer: number;
  /** The tag waited for, or -1 for any tag; a segment's generation for 'segment'. */
  tag: number;
  /** How many operations the rank has pending in all. */
  pending: number;
}

/**
 * Every live rank of a job was blocked in an operation that no message in flight
 * could satisfy. `waits` says who waits for whom.
 *
 * @example
 * await launch({ size: 2, script }).catch((e) => e.waits);
 */
export class DeadlockError extends RanksError {
  constructor(readonly waits: BlockedWait[]) {
    super('ERR_DEADLOCK', `Deadlock: every live rank is blocked\n${waits.map(describeWait).join('\n')}`);
  }
}

/**
 * The peer an operation depends on has exited, so the operation can never finish.
 *
 * @example
 * await comm.recv({ source: 1 }); // rejects if rank 1 has already exited
 */
export class PeerExitedError extends RanksError {
  constructor(
    readonly peer: number,
    what: string,
  ) {
    super('ERR_PEER_EXITED', `${what} cannot complete: rank ${peer} has exited`);
  }
}

/** Formats one blocked wait for people: `rank 0 waits in recv(source=1, tag=7)`. */
export function describeWait(w: BlockedWait): string {
  const peer = w.peer < 0 ? 'ANY' : String(w.peer);
  const tag = w.tag < 0 ? 'ANY' : String(w.tag);
  const where =
    w.op === 'send' ? `send(dest=${peer}, tag=${tag})` : w.op === 'segment' ? `segment(owner=${peer}, gen=${w.tag})` : `${w.op}(source=${peer}, tag=${tag})`;
  const more = w.pending > 1 ? ` (+${w.pending - 1} more pending)` : '';
  return `  rank ${w.rank} waits in ${where}${more}`;
}

/**
 * Ranks of one communicator called different collectives (or the same one with a
 * different root or op) at the same step. `calls` names what each side called.
 *
 * @example
 * // rank 0: await comm.bcast(x, 0); rank 1: await comm.barrier();
 * // rank 1 rejects: Collective mismatch on world: rank 1 called barrier() but rank 0 called bcast(root=0)
 */
export class CollectiveMismatchError extends RanksError {
  constructor(
    readonly comm: string,
    readonly calls: { rank: number; call: string }[],
  ) {
    const [mine, theirs] = calls;
    super(
      'ERR_COLLECTIVE_MISMATCH',
      `Collective mismatch on ${comm}: rank ${mine?.rank} called ${mine?.call} but rank ${theirs?.rank} called ${theirs?.call}; every rank must call the same collectives in the same order`,
    );
  }
}

/**
 * A pool worker died (crashed, exited, ran out of memory, or its initializer failed):
 * the task it held, every pending task and every later submit reject with this.
 *
 * @example
 * await pool.map(crashes, [1]).catch((e) => e.code); // 'ERR_BROKEN_POOL'
 */
export class BrokenPoolError extends RanksError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_BROKEN_POOL', message, options);
  }
}

/**
 * The MPI library reported an error (under the MPI transport), or could not be used.
 * `errorClass` is MPI's error class (`MPI_Error_class`) and `mpiMessage` MPI's own text
 * (`MPI_Error_string`); both are -1 and empty when the library could not be loaded.
 *
 * @example
 * await comm.send(data, 1).catch((e) => { if (e.code === 'ERR_MPI') console.error(e.errorClass, e.mpiMessage); });
 */
export class MpiError extends RanksError {
  constructor(
    readonly call: string,
    readonly errorClass: number,
    readonly mpiMessage: string,
    message = `${call} failed: ${mpiMessage} (MPI error class ${errorClass})`,
  ) {
    super('ERR_MPI', message);
  }
}

/**
 * A parallel-I/O call (`File`) failed. `path` is the file, `errorClass` the MPI error
 * class name an mpi4py user would see (`MPI_ERR_NO_SUCH_FILE`, `MPI_ERR_FILE_EXISTS`,
 * `MPI_ERR_AMODE`, ...), `syscallCode` the system's error code (`ENOENT`, `EEXIST`,
 * `EACCES`, ...; `EINVAL` for a bad mode or argument) and `errno` its positive number.
 * A collective call that fails on one rank fails with the same error on every rank.
 *
 * @example
 * await File.open(comm, 'missing.dat', MODE_RDONLY).catch((e) => e.syscallCode); // 'ENOENT' on every rank
 */
export class FileError extends RanksError {
  constructor(
    readonly path: string,
    readonly errorClass: string,
    readonly syscallCode: string,
    readonly errno: number,
    message: string,
  ) {
    super('ERR_FILE', message);
  }
}

/**
 * `comm.spawn()` could not start its ranks: the script does not exist or did not start,
 * the job has no room for more ranks (RANKS_SPAWN_MAX), or nothing here can start ranks.
 * Raised on every rank that called the spawn, alike.
 *
 * @example
 * await comm.spawn('missing.ts', { maxprocs: 2 }).catch((e) => e.code); // 'ERR_SPAWN' on every rank
 */
export class SpawnError extends RanksError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SPAWN', message, options);
  }
}
