import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, test, type TestContext } from 'node:test';
import { DataCloneError, EOFError, Event, InvalidStateError, Lock, Pipe, Process, Queue, Value, tasks, type ProcessOptions, type TaskLike } from 'ranks';
import { fixture, tsx, type Output, HANGS } from './helpers.ts';

const t = tasks<typeof import('./fixtures/process-tasks.ts')>(fixture('process-tasks.ts'));

// Starts a process that the test ends (terminate) if it is still running.
function started<F extends TaskLike>(tc: TestContext, options: ProcessOptions<F>): Process<F> {
  const p = new Process(options);
  p.start();
  tc.after(() => (p.isAlive() ? p.terminate() : undefined));
  return p;
}

// Runs a plain script with node alone (no tsx).
const node = (script: URL): Promise<Output> =>
  new Promise((resolve) => {
    execFile(process.execPath, [script.pathname], { timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });

// Runs test/fixtures/process-main.ts in a node process of its own.
const main = (mode: string): Promise<Output> => tsx(fixture('process-main.ts'), [mode]);

describe('Process: life cycle and exit codes', { timeout: HANGS }, () => {
  test('a target that returns exits 0; before start and while running exitCode is null', async (tc) => {
    const p = new Process({ target: t.nothing });
    assert.match(p.name, /^Process-\d+$/);
    assert.equal(p.exitCode, null);
    assert.equal(p.isAlive(), false);
    assert.equal(p.threadId, null);
    p.start();
    tc.after(() => p.terminate());
    assert.equal(p.isAlive(), true);
    assert.equal(typeof p.threadId, 'number');
    await p.join();
    assert.equal(p.exitCode, 0);
    assert.equal(p.isAlive(), false);
  });

  test('a thrown error exits 1 and is printed to stderr under the process name, with its stack', async () => {
    const r = await main('throws');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /exitCode 1/);
    assert.match(r.stderr, /^Process Process-1:\nRangeError: boom in the target\n\s+at boom \(.*process-tasks\.ts/m);
    assert.match(r.stderr, /code: 'E_TARGET'/);
  });

  test('process.exit(3) in the target is exit code 3; process.exitCode set by a target that returns is kept', async () => {
    const p = new Process({ target: t.exitWith, args: [3] });
    p.start();
    await p.join();
    assert.equal(p.exitCode, 3);
    const q = new Process({
      target: (x: number) => {
        process.exitCode = x;
      },
      args: [5],
      name: 'inline',
    });
    q.start();
    await q.join();
    assert.equal(q.exitCode, 5);
  });

  test('join({ timeout }) returns while the target still runs; it ends when its event is set', async (tc) => {
    const go = new Event();
    const done = new Queue<string>();
    const p = started(tc, { target: t.waitFor, args: [go, done], name: 'waiter' });
    await p.join({ timeout: 50 });
    assert.equal(p.isAlive(), true);
    assert.equal(p.exitCode, null);
    go.set();
    assert.equal(await done.get(), 'went');
    await p.join();
    assert.equal(p.exitCode, 0);
    await p.join({ timeout: 10 });
  });

  test('terminate() ends a target that would wait forever: exitCode -15, like SIGTERM in Python', async (tc) => {
    const p = started(tc, { target: t.waitFor, args: [new Event(), new Queue<string>()] });
    await p.terminate();
    assert.equal(p.exitCode, -15);
    assert.equal(p.isAlive(), false);
    await p.terminate();
    assert.equal(p.exitCode, -15);
  });

  test('a running process keeps its parent alive; a daemon one does not', async () => {
    const outlives = await main('outlives');
    assert.equal(outlives.code, 0, outlives.stderr);
    assert.equal(outlives.stdout, 'parent done\nchild done\n');
    const daemon = await main('daemon');
    assert.equal(daemon.code, 0, daemon.stderr);
    assert.equal(daemon.stdout, 'parent done\n');
  });

  test('await join() keeps a plain script alive until its daemon process ends', async () => {
    const r = await node(fixture('process-daemon-join.mjs'));
    assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
    assert.equal(r.stdout, 'joined 0\n');
  });

  test('a process waits for the non-daemon processes it started and terminates its daemon ones', async (tc) => {
    const go = new Event();
    const done = new Queue<string>();
    const p = started(tc, { target: t.parentOfTwo, args: [go, done] });
    assert.equal(await done.get({ timeout: 60_000 }), 'parent returned');
    // Its target has returned; its non-daemon child still waits for `go`, and so does it.
    await p.join({ timeout: 1000 });
    assert.equal(p.isAlive(), true, 'the process ended while its non-daemon child was running');
    go.set();
    // Ends once the child has: the daemon child, which would wait forever, was terminated.
    await p.join();
    assert.equal(p.exitCode, 0);
    assert.equal(await done.get({ timeout: 0 }), 'went');
    done.close();
  });

  test('start twice, join or terminate before start: InvalidStateError; bad options: ERR_INVALID_ARG', async (tc) => {
    const p = new Process({ target: t.nothing, name: 'once' });
    await assert.rejects(p.join(), { code: 'ERR_INVALID_STATE', message: /Cannot join once: it was not started/ });
    await assert.rejects(p.terminate(), InvalidStateError);
    p.start();
    tc.after(() => p.terminate());
    assert.throws(() => p.start(), { code: 'ERR_INVALID_STATE', message: /once was already started/ });
    await p.join();
    assert.throws(() => p.start(), InvalidStateError);
    assert.throws(() => new Process({ target: 42 } as never), { code: 'ERR_INVALID_ARG' });
    assert.throws(() => new Process({ target: t.nothing, args: 'x' as never }), { code: 'ERR_INVALID_ARG' });
    assert.throws(() => new Process({ target: t.nothing, daemon: 1 as never }), { code: 'ERR_INVALID_ARG' });
    await assert.rejects(p.join({ timeout: -1 }), { code: 'ERR_OUT_OF_RANGE' });
  });

  test('an argument that cannot be sent: DataCloneError from start(), naming its path', () => {
    const p = new Process({ target: t.boom, args: [{ ok: 1, handlers: [1, () => 2] }] as never });
    assert.throws(
      () => p.start(),
      (err: DataCloneError) => err instanceof DataCloneError && err.code === 'ERR_DATA_CLONE' && err.path === 'args[0].handlers[1]',
    );
    assert.equal(p.isAlive(), false);
  });
});

describe('Process: primitives as arguments', { timeout: HANGS }, () => {
  test('4 processes increment a shared Value under a Lock: no update is lost', async (tc) => {
    const lock = new Lock();
    const counter = new Value('int32', 0, { lock: false });
    const ps = [0, 1, 2, 3].map(() => started(tc, { target: t.count, args: [lock, counter, 250] }));
    await Promise.all(ps.map((p) => p.join()));
    assert.deepEqual(
      ps.map((p) => p.exitCode),
      [0, 0, 0, 0],
    );
    assert.equal(counter.value, 1000);
    assert.equal(lock.locked(), false);
  });

  test('a Queue feeds 2 consumers until their poison pills', async (tc) => {
    const input = new Queue<number | 'stop'>();
    const output = new Queue<[number, number]>();
    for (let x = 1; x <= 20; x++) await input.put(x);
    for (let i = 0; i < 2; i++) await input.put('stop');
    const ps = [0, 1].map((id) => started(tc, { target: t.squares, args: [id, input, output] }));
    await Promise.all(ps.map((p) => p.join()));
    const got: number[] = [];
    for (let i = 0; i < 20; i++) got.push((await output.get({ timeout: 10_000 }))[1]);
    assert.deepEqual(
      got.sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => (i + 1) ** 2),
    );
    assert.equal(input.empty(), true);
    assert.deepEqual(
      ps.map((p) => p.exitCode),
      [0, 0],
    );
  });

  test('a Pipe hands off both ways; the closed end gives EOFError', async (tc) => {
    const [parent, child] = Pipe();
    const p = started(tc, { target: t.reply, args: [child] });
    await parent.send('hello');
    assert.deepEqual(await parent.recv(), [42, null, 'hello']);
    await p.join();
    await assert.rejects(parent.recv(), EOFError);
  });

  test('an Event set in the parent wakes a process, which sets one back (inline target)', async (tc) => {
    const a = new Event();
    const b = new Event();
    const p = started(tc, {
      target: async (x: Event, y: Event) => {
        await x.wait();
        y.set();
      },
      args: [a, b],
    });
    a.set();
    assert.equal(await b.wait({ timeout: 30_000 }), true);
    await p.join();
    assert.equal(p.exitCode, 0);
  });
});
