// Every error code, raised for real by the call that raises it, with its class, code,
// name and brand. The table is a Record<ErrorCode, ...>: a new code does not compile until
// it has a case here.
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  ArgumentRangeError,
  BoundedSemaphore,
  Barrier,
  BrokenBarrierError,
  BrokenPoolError,
  CancelledError,
  ClosedError,
  CollectiveMismatchError,
  DataCloneError,
  DeadlockError,
  EOFError,
  Empty,
  Full,
  InvalidArgumentError,
  InvalidStateError,
  KindMismatchError,
  Lock,
  MpiError,
  NotHeldError,
  OverReleaseError,
  PeerExitedError,
  Pipe,
  Pool,
  Process,
  Queue,
  RankFailedError,
  RanksError,
  TimeoutError,
  AbortError,
  SpawnError,
  TruncationError,
  isRanksError,
  launch,
  tasks,
  world,
  type ErrorCode,
  File,
  FileError,
  MODE_RDONLY,
} from 'ranks';
import { ERROR_NAMES } from '../src/errors.ts';
import * as math from './fixtures/math-tasks.ts';
import { HANGS, fixture, spawnOutput } from './helpers.ts';

const mathTasks = tasks<typeof math>(new URL('./fixtures/math-tasks.ts', import.meta.url));

type ErrorClass = abstract new (...args: never[]) => Error;

/** How one code is raised. `crossed`: it is raised in another thread or process (checked there too) and arrives as a plain Error with its name and code. */
interface Case {
  class: ErrorClass;
  raise: () => unknown;
  crossed?: boolean;
  message?: RegExp;
}

/** The error `raise` throws or rejects with (it must do one or the other). */
async function caught(raise: () => unknown): Promise<unknown> {
  try {
    await raise();
  } catch (err) {
    return err;
  }
  throw new Error('nothing was raised');
}

/** The cause of the RankFailedError a job of `size` ranks running error-codes.ts fails with. */
async function fromRanks(code: ErrorCode): Promise<unknown> {
  const err = await caught(() => launch({ size: 2, script: fixture('error-codes.ts'), args: [code], timeout: HANGS }));
  assert.ok(err instanceof RankFailedError, String(err));
  return err.cause;
}

const comm = world();

const cases: Record<ErrorCode, Case> = {
  ERR_TRUNCATE: {
    class: TruncationError,
    raise: async () => {
      await comm.send(new Uint8Array(16), 0, { tag: 1 });
      try {
        await comm.recv({ tag: 1, into: new Uint8Array(4) });
      } finally {
        await comm.recv({ tag: 1 }); // kept for a later receive: take it
      }
    },
  },
  ERR_KIND_MISMATCH: {
    class: KindMismatchError,
    raise: async () => {
      await comm.send({ a: 1 }, 0, { tag: 2 });
      try {
        await comm.recv({ tag: 2, into: new Uint8Array(4) });
      } finally {
        await comm.recv({ tag: 2 });
      }
    },
  },
  ERR_DATA_CLONE: { class: DataCloneError, raise: () => comm.send({ f: () => 1 }, 0) },
  ERR_OUT_OF_RANGE: { class: ArgumentRangeError, raise: () => new Barrier(0), message: /^Expected `parties` to be an integer >= 1, got 0 \(number\)$/ },
  ERR_INVALID_ARG: {
    class: InvalidArgumentError,
    raise: () => new Barrier('2' as never),
    message: /^Expected `parties` to be an integer >= 1, got "2" \(string\)$/,
  },
  ERR_INVALID_STATE: { class: InvalidStateError, raise: () => new Process({ target: () => {} }).join() },
  ERR_TIMEOUT: { class: TimeoutError, raise: () => comm.recv({ tag: 3, timeout: 1 }) },
  ERR_ABORTED: { class: AbortError, raise: () => comm.recv({ tag: 3, signal: AbortSignal.abort() }) },
  ERR_CANCELLED: {
    class: CancelledError,
    raise: () => {
      const r = comm.irecv({ tag: 3 });
      r.cancel();
      return r;
    },
  },
  ERR_RANK_FAILED: { class: RankFailedError, raise: () => launch({ size: 2, script: fixture('throws.ts'), timeout: HANGS }) },
  ERR_DEADLOCK: { class: DeadlockError, raise: () => launch({ size: 2, script: fixture('deadlock.ts'), timeout: HANGS }) },
  ERR_PEER_EXITED: {
    class: PeerExitedError,
    crossed: true,
    raise: async () => {
      throw await fromRanks('ERR_PEER_EXITED');
    },
  },
  ERR_BROKEN_POOL: {
    class: BrokenPoolError,
    raise: async () => {
      const pool = new Pool({ size: 1 });
      try {
        await pool.apply(mathTasks.exitWorker, [3]);
      } finally {
        await pool.terminate();
      }
    },
  },
  ERR_COLLECTIVE_MISMATCH: {
    class: CollectiveMismatchError,
    crossed: true,
    raise: async () => {
      throw await fromRanks('ERR_COLLECTIVE_MISMATCH');
    },
  },
  ERR_MPI: {
    class: MpiError,
    crossed: true,
    raise: async () => {
      const env = { ...process.env, RANKS_TRANSPORT: 'mpi', RANKS_MPI_LIB: '/nonexistent/libmpi.so.40' };
      const r = await spawnOutput(process.execPath, ['--import', 'tsx', fixture('error-codes.ts').pathname, 'ERR_MPI'], { env, input: '' });
      assert.equal(r.code, 0, r.stderr);
      const { name, code, message } = JSON.parse(r.stdout) as { name: string; code: string; message: string };
      assert.match(message, /nonexistent\/libmpi\.so\.40/);
      throw Object.assign(new Error(message), { name, code });
    },
  },
  ERR_FILE: {
    class: FileError,
    raise: () => File.open(comm, join(tmpdir(), `ranks-errors-${process.pid}-missing`, 'x.dat'), MODE_RDONLY),
    message: /ranks-errors-\d+-missing/,
  },
  ERR_SPAWN: {
    class: SpawnError,
    // A plain script (a world of one, no launcher) has nothing that can start ranks.
    raise: () => comm.spawn(fixture('spawn/worker.ts'), { maxprocs: 1 }),
    message: /spawn needs `ranks run`, launch\(\) or an MPI launcher/,
  },
  ERR_QUEUE_EMPTY: { class: Empty, raise: () => new Queue().getNowait() },
  ERR_QUEUE_FULL: {
    class: Full,
    raise: () => {
      const q = new Queue({ maxsize: 1 });
      q.putNowait(1);
      q.putNowait(2);
    },
  },
  ERR_BROKEN_BARRIER: {
    class: BrokenBarrierError,
    raise: () => {
      const b = new Barrier(2);
      b.abort();
      return b.wait();
    },
  },
  ERR_EOF: {
    class: EOFError,
    raise: () => {
      const [a, b] = Pipe();
      b.close();
      return a.recv();
    },
  },
  ERR_CLOSED: {
    class: ClosedError,
    raise: () => {
      const q = new Queue();
      q.close();
      return q.put(1);
    },
  },
  ERR_NOT_HELD: { class: NotHeldError, raise: () => new Lock().release() },
  ERR_OVER_RELEASE: { class: OverReleaseError, raise: () => new BoundedSemaphore(1).release() },
};

describe('error codes', { timeout: HANGS }, () => {
  for (const [code, c] of Object.entries(cases) as [ErrorCode, Case][]) {
    test(`${code}: ${c.class.name}${c.crossed ? ', raised in another thread or process' : ''}`, async () => {
      const err = await caught(c.raise);
      assert.ok(err instanceof Error, String(err));
      const own = err as unknown;
      assert.equal((err as { code?: unknown }).code, code, String(err));
      assert.equal(err.name, c.class.name);
      assert.equal(ERROR_NAMES[code], c.class.name, 'ERROR_NAMES, which isRanksError reads for errors that crossed a thread');
      assert.ok(isRanksError(err), 'isRanksError');
      assert.ok(err.message.length > 0);
      if (c.message) assert.match(err.message, c.message);
      if (c.crossed) return; // its class was checked where it was raised (test/fixtures/error-codes.ts)
      assert.ok(own instanceof c.class, `an instance of ${c.class.name}`);
      assert.ok(own instanceof RanksError || own instanceof ArgumentRangeError);
      assert.equal((err as unknown as Record<symbol, unknown>)[Symbol.for('ranks.error')], true, 'branded');
    });
  }
});

describe('isRanksError', { timeout: HANGS }, () => {
  test('an ArgumentRangeError is also a RangeError', () => {
    assert.ok(new ArgumentRangeError('x') instanceof RangeError);
  });

  test('true for an error of another copy of ranks or another realm (a Symbol.for brand), false for look-alikes and Node errors', async () => {
    // The errors module of this build loaded a second time: another copy of ranks, as two
    // versions in one node_modules give.
    const other = (await import(`${new URL('./errors.js', import.meta.resolve('ranks')).href}?another-copy`)) as typeof import('ranks');
    assert.notEqual(other.TimeoutError, TimeoutError, 'a second copy of the library');
    const theirs = new other.TimeoutError('recv', 5);
    assert.ok(isRanksError(theirs));
    assert.equal((theirs as unknown) instanceof TimeoutError, false);
    assert.ok(other.isRanksError(new TimeoutError('recv', 5)));
    const realm = runInNewContext('const e = new Error("x"); e[Symbol.for("ranks.error")] = true; e') as unknown;
    assert.ok(isRanksError(realm), 'an error branded in another vm context');
    assert.equal(isRanksError(new Error('plain')), false);
    assert.equal(isRanksError({ code: 'ERR_TIMEOUT' }), false, 'a code alone is not enough');
    assert.equal(isRanksError(Object.assign(new RangeError('x'), { code: 'ERR_OUT_OF_RANGE' })), false, "Node's own ERR_OUT_OF_RANGE");
    assert.equal(isRanksError(Object.assign(new Error('x'), { name: 'TimeoutError', code: 'ERR_SOMETHING' })), false);
    assert.equal(isRanksError(null), false);
  });

  test('true for a ranks error that crossed a thread as a plain Error with its name and code', async () => {
    const err = await caught(() => launch({ size: 2, script: fixture('error-codes.ts'), args: ['ERR_PEER_EXITED'], timeout: HANGS }));
    const cause = (err as RankFailedError).cause;
    assert.ok(cause instanceof Error && !(cause instanceof PeerExitedError), 'the cause is a plain Error');
    assert.equal((cause as unknown as Record<symbol, unknown>)[Symbol.for('ranks.error')], undefined, 'without the brand');
    assert.ok(isRanksError(cause));
  });

  test('a deadlock message says who waits for whom', () => {
    assert.match(
      new DeadlockError([{ rank: 0, op: 'recv', peer: 1, tag: 7, pending: 2 }]).message,
      /rank 0 waits in recv\(source=1, tag=7\) \(\+1 more pending\)/,
    );
  });
});
