// Condition wakes only the threads waiting at notify() (CPython's _TestCondition twins:
// test_notify, test_waitfor, test_waitfor_timeout), across worker threads.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Condition, Lock, Semaphore, Value, share } from 'ranks';
import { inWorker } from './sync-helpers.ts';
import { HANGS } from './helpers.ts';

// Waiters not yet woken, permits not yet taken: all zero when nobody waits (CPython's check_invariant).
function counters(cond: Condition): number[] {
  const { __ranks__: state } = share(cond) as unknown as { __ranks__: { ctl: Int32Array } };
  return Array.from(state.ctl.subarray(1, 4));
}

describe('Condition wakes only the waiters of the moment', { timeout: HANGS }, () => {
  test('a wait that starts after notify() does not take the wake of the one already waiting (one thread)', async () => {
    const cond = new Condition(new Lock());
    await cond.acquire();
    const first = cond.wait({ timeout: 30_000 });
    // `first` registered and released the lock; the notifier then waits itself.
    await cond.acquire();
    cond.notify();
    assert.equal(await cond.wait({ timeout: 0 }), false, 'the notifier took the wake meant for the sleeper');
    cond.release();
    assert.equal(await first, true);
    cond.release();
    assert.deepEqual(counters(cond), [0, 0, 0]);
  });

  test('notify() with nobody waiting leaves nothing for a later wait', async () => {
    const cond = new Condition();
    await cond.acquire();
    cond.notify(3);
    assert.equal(await cond.wait({ timeout: 20 }), false);
    cond.release();
    assert.deepEqual(counters(cond), [0, 0, 0]);
  });

  test('test_notify: each notify() wakes one of two sleeping threads', async (t) => {
    const cond = new Condition();
    const sleeping = new Semaphore(0);
    const woken = new Semaphore(0);
    const waiters = [
      inWorker<boolean>(t, 'conditionNotified', { cond, sleeping, woken }),
      inWorker<boolean>(t, 'conditionNotified', { cond, sleeping, woken }),
    ];
    // Both released `sleeping` holding the lock, and give it up only by waiting.
    await sleeping.acquire();
    await sleeping.acquire();
    for (let round = 1; round <= 2; round++) {
      await cond.acquire();
      cond.notify();
      cond.release();
      assert.equal(await woken.acquire({ timeout: 30_000 }), true, `round ${round}: nobody woke`);
      // One notify, one wake: the other sleeper stays asleep.
      if (round === 1) assert.equal(await woken.acquire({ timeout: 50 }), false, 'one notify() woke two threads');
    }
    assert.deepEqual(await Promise.all(waiters), [true, true]);
    assert.deepEqual(counters(cond), [0, 0, 0]);
  });

  test('test_waitfor: a thread that notifies and then waits does not steal the wake (10 rounds)', async (t) => {
    for (let round = 0; round < 10; round++) {
      const cond = new Condition();
      const state = new Value('int32', -1);
      // Held before the thread starts, so this thread is waiting when it notifies.
      await cond.acquire();
      const child = inWorker<number>(t, 'conditionWaitFor', { cond, state });
      const result = await cond.waitFor(() => state.value === 0, { timeout: 30_000 });
      assert.equal(result, true, `round ${round}: the waiter was never woken`);
      cond.release();
      for (let i = 0; i < 4; i++) {
        await cond.acquire();
        state.value += 1;
        cond.notify();
        cond.release();
      }
      assert.equal(await child, 0);
    }
  });

  test('test_waitfor_timeout: waitFor gives the falsy predicate once its timeout ran out', async (t) => {
    const cond = new Condition();
    const state = new Value('int32', 0);
    const sem = new Semaphore(0);
    const child = inWorker<{ result: boolean; ms: number }>(t, 'conditionWaitForTimeout', { cond, state, sem });
    assert.equal(await sem.acquire({ timeout: 30_000 }), true);
    // Only 3 increments, so state 4 is never reached.
    for (let i = 0; i < 3; i++) {
      await cond.acquire();
      state.value += 1;
      cond.notify();
      cond.release();
    }
    const { result, ms } = await child;
    assert.equal(result, false);
    assert.ok(ms >= 60, `waitFor returned after ${ms} ms, before its 100 ms timeout`);
  });
});
