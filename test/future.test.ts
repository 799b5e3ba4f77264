import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { tasks } from 'ranks';
// From the source: these tests drive a Future by its internal methods (setResult, ...), which
// the published .d.ts leaves out.
import { Future } from '../src/pool/future.ts';
import { asCompleted, wait } from '../src/pool/waiting.ts';
import { toTask } from '../src/pool/tasks.ts';
import { HANGS } from './helpers.ts';

/** A future finished by a timer, as an executor would. */
function later<T>(ms: number, value: T, fail = false): Future<T> {
  const f = new Future<T>();
  f.setRunning();
  setTimeout(() => (fail ? f.setException(value) : f.setResult(value)), ms);
  return f;
}

describe('Future', { timeout: HANGS }, () => {
  test('result, exception, await, done callbacks', async () => {
    const f = new Future<number>();
    const seen: string[] = [];
    f.addDoneCallback(() => seen.push('first'));
    f.addDoneCallback(() => {
      throw new Error('a callback that throws does not stop the others');
    });
    f.addDoneCallback((g) => seen.push(`third ${g === f}`));
    assert.equal(f.done(), false);
    assert.equal(f.setRunning(), true);
    assert.equal(f.running(), true);
    assert.equal(f.cancel(), false, 'a running future cannot be cancelled');
    f.setResult(7);
    f.setResult(8); // ignored
    assert.deepEqual(seen, ['first', 'third true']);
    assert.equal(await f, 7);
    assert.equal(await f.result(), 7);
    assert.equal(await f.exception(), undefined);
    f.addDoneCallback(() => seen.push('late'));
    assert.deepEqual(seen, ['first', 'third true', 'late'], 'a callback added when done runs at once');
  });

  test('a failed future rejects with its error; exception() returns it', async () => {
    const err = Object.assign(new TypeError('bad'), { code: 'E_BAD' });
    const f = later(1, err as unknown as number, true);
    await assert.rejects(f.result(), (e) => e === err);
    assert.equal(await f.exception(), err);
    await assert.rejects(Promise.resolve(f), (e) => e === err);
  });

  test('cancel: only while pending; result() then rejects with CancelledError', async () => {
    const f = new Future<number>();
    let withdrawn = 0;
    let finished = 0;
    f.owner = { withdraw: () => ++withdrawn > 0, finished: () => void finished++ };
    assert.equal(f.cancel(), true);
    assert.equal(f.cancel(), true);
    assert.equal(withdrawn, 1);
    assert.equal(finished, 1, 'the owner hears once that the future is done');
    assert.equal(f.cancelled(), true);
    assert.equal(f.done(), true);
    assert.equal(f.setRunning(), false);
    await assert.rejects(f.result(), { code: 'ERR_CANCELLED' });
    await assert.rejects(f.exception(), { code: 'ERR_CANCELLED' });
    const tooLate = new Future<number>();
    tooLate.owner = { withdraw: () => false, finished: () => undefined };
    assert.equal(tooLate.cancel(), false, 'the executor says the task already left the queue');
  });

  test('result({ timeout }) rejects with TimeoutError and the future goes on', async () => {
    const f = later(60, 'v');
    await assert.rejects(f.result({ timeout: 5 }), { code: 'ERR_TIMEOUT' });
    assert.equal(await f.result({ timeout: 5000 }), 'v');
    await assert.rejects(f.result({ timeout: -1 }), RangeError);
  });
});

describe('wait', { timeout: HANGS }, () => {
  test('ALL_COMPLETED, FIRST_COMPLETED, FIRST_EXCEPTION', async () => {
    const a = later(5, 1);
    const b = later(40, 2);
    const first = await wait([a, b], { returnWhen: 'FIRST_COMPLETED' });
    assert.deepEqual([...first.done], [a]);
    assert.deepEqual([...first.notDone], [b]);
    const all = await wait([a, b]);
    assert.equal(all.done.size, 2);
    assert.equal(all.notDone.size, 0);
    const ok = later(5, 1);
    const bad = later(10, 0, true);
    const slow = later(500, 3);
    const ex = await wait([ok, bad, slow], { returnWhen: 'FIRST_EXCEPTION' });
    assert.ok(ex.done.has(bad) && ex.done.has(ok) && ex.notDone.has(slow));
  });

  test('a timeout returns what is done so far; an empty list returns at once', async () => {
    const slow = later(300, 1);
    const r = await wait([slow], { timeout: 10 });
    assert.equal(r.done.size, 0);
    assert.deepEqual([...r.notDone], [slow]);
    assert.deepEqual(await wait([]), { done: new Set(), notDone: new Set() });
    await assert.rejects(wait([1 as never]), { code: 'ERR_INVALID_ARG' });
    await assert.rejects(wait([], { returnWhen: 'SOMETIME' as never }), { code: 'ERR_INVALID_ARG' });
  });
});

describe('asCompleted', { timeout: HANGS }, () => {
  test('yields Futures in completion order, done ones first', async () => {
    const done = new Future<string>();
    done.setResult('done');
    const slow = later(40, 'slow');
    const fast = later(5, 'fast');
    const order: string[] = [];
    for await (const f of asCompleted([slow, fast, done])) {
      assert.ok(f instanceof Future, 'the iteration hands out the futures themselves');
      assert.equal(f.future, f);
      assert.equal(f.done(), true);
      order.push(await f.result());
    }
    assert.deepEqual(order, ['done', 'fast', 'slow']);
  });

  test('a timeout throws TimeoutError after yielding what completed', async () => {
    const fast = later(1, 1);
    const never = new Future<number>();
    const got: number[] = [];
    await assert.rejects(
      async () => {
        for await (const f of asCompleted([fast, never], { timeout: 30 })) got.push(await f.result());
      },
      { code: 'ERR_TIMEOUT', message: /1 of 2 futures/ },
    );
    assert.deepEqual(got, [1]);
    await sleep(1);
  });
});

describe('tasks and inline functions', { timeout: HANGS }, () => {
  test('tasks() gives stable references by module URL and export name', () => {
    const url = new URL('./fixtures/math-tasks.ts', import.meta.url);
    const m = tasks<typeof import('./fixtures/math-tasks.ts')>(url);
    assert.deepEqual({ ...m.square }, { module: url.href, name: 'square' });
    assert.equal(m.square, m.square);
    assert.throws(() => tasks('not a url'), { code: 'ERR_INVALID_ARG' });
  });

  test('inline functions by their source; built-ins and bound functions are refused', async () => {
    // The source is whatever the loader left of it (tsx compacts it): check it by running it.
    const run = (src: string): ((x: number) => unknown) => new Function(`return ${src}`)();
    assert.equal(toTask((x: number) => x * 2).module, undefined);
    assert.equal(run(toTask((x: number) => x * 2).name)(4), 8);
    assert.equal(
      await run(
        toTask(async function twice(x: number) {
          return x * 2;
        }).name,
      )(5),
      10,
    );
    const obj = {
      triple(x: number) {
        return x * 3;
      },
    };
    const t = toTask(obj.triple);
    assert.equal(run(t.name)(2), 6, 'method shorthand becomes an expression');
    assert.throws(() => toTask(Math.max), { code: 'ERR_INVALID_ARG', message: /built in or bound/ });
    assert.throws(() => toTask(((x: number) => x).bind(null)), { code: 'ERR_INVALID_ARG' });
    assert.throws(() => toTask(42), { code: 'ERR_INVALID_ARG' });
  });
});
