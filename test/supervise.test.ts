import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { ProcessSupervisor } from '../src/supervise/processes.ts';
import { ThreadSupervisor, type ThreadSpec } from '../src/supervise/threads.ts';
import { makeJobDir, removeJobDir } from '../src/transport/processes/dir.ts';
import { fixture, HANGS } from './helpers.ts';

// The supervisors that launch() and pools start ranks on, seen alone: ready, ended (code,
// signal, error), and a rank started at any time (what spawn will do).
const script = fixture('supervised.ts').href;
// The built rank entries, as launch() uses them (a worker thread does not inherit this
// process's TypeScript loader); they load the script through tsx, and it imports 'ranks'.
const threadEntry = new URL('../dist/launch/worker-entry.js', import.meta.url);
const processEntry = fileURLToPath(new URL('../dist/launch/process-entry.js', import.meta.url));
const thread = (rank: number, ...argv: string[]): ThreadSpec => ({ entry: threadEntry, script, name: `rank ${rank}`, argv });

describe('ThreadSupervisor', { timeout: HANGS }, () => {
  test('a rank is ready once online, and its end says its exit code, or the error it died of', async () => {
    const ranks = new ThreadSupervisor({ size: 2, announceExits: true });
    const exits = ranks.start(0, thread(0, 'exit', '3'));
    const throws = ranks.start(1, thread(1, 'throw', 'one'));
    await exits.ready;
    const [a, b] = await Promise.all([exits.ended, throws.ended]);
    assert.equal(a.code, 3);
    assert.equal(a.error, undefined);
    assert.equal(b.code, 1);
    assert.equal(b.error?.name, 'RangeError');
    assert.equal(b.error?.message, 'thrown by one');
    assert.equal(exits.running || throws.running, false);
    assert.deepEqual(ranks.running(), []);
  });

  test('a rank started while another runs reaches it through the hub; a rank number past the capacity is refused', async () => {
    const ranks = new ThreadSupervisor({ size: 2, capacity: 3, announceExits: true });
    const zero = ranks.start(0, thread(0, 'recv', '1'));
    await zero.ready;
    const one = ranks.start(1, thread(1, 'send', '0'));
    assert.equal((await zero.ended).code, 7);
    assert.equal((await one.ended).code, 0);
    assert.throws(() => ranks.start(3, thread(3, 'exit', '0')), RangeError);
    // Rank 1 again, under the same number, once the first has ended.
    assert.equal((await ranks.start(1, thread(1, 'exit', '5')).ended).code, 5);
  });

  test('stop() ends a rank; its end is the expected one', async () => {
    const ranks = new ThreadSupervisor({ size: 1, announceExits: false });
    const h = ranks.start(0, thread(0, 'wait'));
    await h.ready;
    h.expectEnd();
    ranks.stop(0);
    const end = await h.ended;
    assert.equal(end.code, 1);
    assert.equal(h.expected, true);
  });
});

describe('ProcessSupervisor', { timeout: HANGS }, () => {
  const start = (ranks: ProcessSupervisor, rank: number, ...args: string[]) => {
    const h = ranks.start(rank, { entry: processEntry, name: `Rank ${rank}`, script, args, stdio: ['ignore', 'inherit', 'inherit'] });
    // The launcher's rank entry runs the script once told that every rank listens.
    void h.ready.then(() => h.send({ type: 'go' }));
    return h;
  };

  test('a rank is ready once it listens; its end says its code, the signal that killed it, or the error it reported', async () => {
    const dir = makeJobDir();
    try {
      const ranks = new ProcessSupervisor({ dir, size: 3, announceExits: true });
      const exits = start(ranks, 0, 'exit', '4');
      const killed = start(ranks, 1, 'kill');
      const throws = start(ranks, 2, 'throw', 'two');
      await Promise.all([exits.ready, killed.ready, throws.ready]);
      const [a, b, c] = await Promise.all([exits.ended, killed.ended, throws.ended]);
      assert.deepEqual([a.code, a.signal, a.error], [4, null, undefined]);
      assert.deepEqual([b.code, b.signal], [137, 'SIGKILL']);
      assert.equal(c.code, 1);
      assert.equal(c.error?.name, 'RangeError');
      assert.equal(c.error?.message, 'thrown by two');
      assert.equal((c.error as { code?: string }).code, 'ERR_TEST');
    } finally {
      removeJobDir(dir);
    }
  });

  test('a rank started after another has ended, under the same number; stop() kills it', async () => {
    const dir = makeJobDir();
    try {
      const ranks = new ProcessSupervisor({ dir, size: 1, announceExits: false });
      assert.equal((await start(ranks, 0, 'exit', '0').ended).code, 0);
      const again = ranks.start(0, { entry: processEntry, name: 'Rank 0', script, args: ['exit', '0'], stdio: ['ignore', 'inherit', 'inherit'] });
      await again.ready;
      // Never told to go: it waits until stopped.
      ranks.stop(0);
      const end = await again.ended;
      assert.deepEqual([end.code, end.signal], [137, 'SIGKILL']);
      assert.deepEqual(ranks.running(), []);
    } finally {
      removeJobDir(dir);
    }
  });
});
