// One validation module, one message format, one rule for the code: a value of the right
// type outside its range is ERR_OUT_OF_RANGE, a value of the wrong type or shape
// ERR_INVALID_ARG; a timeout of Infinity means none, everywhere.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Barrier, Event, Executor, Lock, Pipe, Pool, Queue, Semaphore, farm, tasks, wait, world, Future } from 'ranks';
import {
  MAX_TIMEOUT,
  checkArray,
  checkBoolean,
  checkFunction,
  checkInteger,
  checkNumber,
  checkObject,
  checkOneOf,
  checkSignal,
  checkString,
  checkTimeout,
  numberFromText,
  show,
} from '../src/validate.ts';
import * as math from './fixtures/math-tasks.ts';
import { HANGS } from './helpers.ts';

const RANGE = 'ERR_OUT_OF_RANGE';
const TYPE = 'ERR_INVALID_ARG';
const mathTasks = tasks<typeof math>(new URL('./fixtures/math-tasks.ts', import.meta.url));

describe('src/validate.ts', { timeout: HANGS }, () => {
  test('show: the value, then its type', () => {
    assert.equal(show(0), '0 (number)');
    assert.equal(show('2'), '"2" (string)');
    assert.equal(show(null), 'null (null)');
    assert.equal(show(undefined), 'undefined (undefined)');
    assert.equal(show(1n), '1n (bigint)');
    assert.equal(show([1, 'a']), '[1, "a"] (array)');
    assert.equal(
      show(function named() {}),
      'named (function)',
    );
    assert.equal(show(new Map()), 'a Map (object)');
    assert.equal(show({}), '[object Object] (object)');
  });

  test('each check returns the value, or throws the one message with the code the rule gives', () => {
    const cases: [() => unknown, string, string][] = [
      [() => checkInteger('size', 0, { min: 1 }), RANGE, 'Expected `size` to be an integer >= 1, got 0 (number)'],
      [() => checkInteger('size', 1.5, { min: 1 }), RANGE, 'Expected `size` to be an integer >= 1, got 1.5 (number)'],
      [() => checkInteger('size', NaN, { min: 1 }), RANGE, 'Expected `size` to be an integer >= 1, got NaN (number)'],
      [() => checkInteger('size', '2', { min: 1 }), TYPE, 'Expected `size` to be an integer >= 1, got "2" (string)'],
      [() => checkInteger('bytes', 8, { min: 64, max: 1024 }), RANGE, 'Expected `bytes` to be an integer in 64..1024, got 8 (number)'],
      [() => checkInteger('tail', -1, { min: 0, orInfinity: true }), RANGE, 'Expected `tail` to be an integer >= 0, or Infinity, got -1 (number)'],
      [() => checkNumber('x', Infinity, { min: 0 }), RANGE, 'Expected `x` to be a number >= 0, got Infinity (number)'],
      [() => checkTimeout(-1), RANGE, `Expected \`timeout\` to be a number of milliseconds in 0..${MAX_TIMEOUT}, or Infinity, got -1 (number)`],
      [
        () => checkTimeout(MAX_TIMEOUT + 1),
        RANGE,
        `Expected \`timeout\` to be a number of milliseconds in 0..${MAX_TIMEOUT}, or Infinity, got ${MAX_TIMEOUT + 1} (number)`,
      ],
      [() => checkTimeout('5'), TYPE, `Expected \`timeout\` to be a number of milliseconds in 0..${MAX_TIMEOUT}, or Infinity, got "5" (string)`],
      [() => checkBoolean('duplex', 1), TYPE, 'Expected `duplex` to be a boolean, got 1 (number)'],
      [() => checkOneOf('isolation', 'fiber', ['thread', 'process']), TYPE, "Expected `isolation` to be 'thread' or 'process', got \"fiber\" (string)"],
      [() => checkOneOf('x', 'd', ['a', 'b', 'c']), TYPE, "Expected `x` to be 'a', 'b' or 'c', got \"d\" (string)"],
      [() => checkString('shell', ''), TYPE, 'Expected `shell` to be a non-empty string, got "" (string)'],
      [() => checkFunction('onJob', 'log'), TYPE, 'Expected `onJob` to be a function, got "log" (string)'],
      [() => checkArray('initArgs', 'x'), TYPE, 'Expected `initArgs` to be an array, got "x" (string)'],
      [() => checkObject('env', null), TYPE, 'Expected `env` to be an object, got null (null)'],
      [() => checkSignal({}), TYPE, 'Expected `signal` to be an AbortSignal, got [object Object] (object)'],
    ];
    for (const [call, code, message] of cases) assert.throws(call, { code, message });
    assert.equal(checkInteger('n', 3, { min: 1 }), 3);
    assert.equal(checkInteger('tail', Infinity, { min: 0, orInfinity: true }), Infinity);
    assert.equal(checkTimeout(undefined), undefined);
    assert.equal(checkTimeout(Infinity), undefined, 'Infinity: no timeout');
    assert.equal(checkTimeout(0), 0);
    assert.equal(checkOneOf('isolation', 'process', ['thread', 'process']), 'process');
    const ac = new AbortController();
    assert.equal(checkSignal(ac.signal), ac.signal);
    assert.deepEqual([numberFromText(' 42 '), numberFromText('1e3')], [42, 1000]);
    for (const t of ['', ' ', '12abc']) assert.ok(Number.isNaN(numberFromText(t)), t);
  });
});

describe('the rule, applied by every part of the API', { timeout: HANGS }, () => {
  test('sync primitives, pools, communicators and farm give the same code for the same kind of mistake', async () => {
    const comm = world();
    const sync: [() => unknown, string][] = [
      [() => new Barrier(0), RANGE],
      [() => new Barrier(1.5), RANGE],
      [() => new Barrier('2' as never), TYPE],
      [() => new Semaphore(-1), RANGE],
      [() => new Queue({ maxsize: -1 }), RANGE],
      [() => new Queue({ maxsize: '1' as never }), TYPE],
      [() => new Lock().acquireSync({ timeout: -1 }), RANGE],
      [() => new Lock().acquireSync({ timeout: '1' as never }), TYPE],
      [() => new Lock().acquireSync({ blocking: 'no' as never }), TYPE],
      [() => Pipe({ duplex: 1 as never }), TYPE],
      [() => new Pool({ size: 0 }), RANGE],
      [() => new Pool({ size: '2' as never }), TYPE],
      [() => new Pool({ chunksize: 1.5 }), RANGE],
      [() => new Pool({ isolation: 'fiber' as never }), TYPE],
      [() => new Pool({ onProgress: 1 as never }), TYPE],
      [() => comm.send(1, 99), RANGE],
      [() => comm.send(1, '0' as never), TYPE],
      [() => comm.recv({ timeout: -1 }), RANGE],
      [() => comm.recv({ timeout: 'soon' as never }), TYPE],
      [() => comm.recv({ tag: 0.5 }), RANGE],
      [() => new Event().wait({ timeout: NaN }), RANGE],
    ];
    for (const [call, code] of sync) assert.throws(call, { code }, call.toString());
    const later: [() => Promise<unknown>, string][] = [
      [() => farm('echo', ['a'], { jobs: 0 }), RANGE],
      [() => farm('echo', ['a'], { jobs: '2' as never }), TYPE],
      [() => farm('echo', ['a'], { timeout: -1 }), RANGE],
      [() => farm('echo', ['a'], { tail: 1.5 }), RANGE],
      [() => farm('echo', ['a'], { keepOrder: 'yes' as never }), TYPE],
      [() => farm('echo', ['a'], { spawnFrom: 'gpu' as never }), TYPE],
      [() => new Queue().get({ timeout: -5 }), RANGE],
      [() => new Future().result({ timeout: -1 }), RANGE],
      [() => wait([], { timeout: '1' as never }), TYPE],
    ];
    for (const [call, code] of later) await assert.rejects(call(), { code }, call.toString());
  });

  test('a timeout of Infinity means none, in communicators, sync primitives, futures, pools and farm', async () => {
    const comm = world();
    await comm.send('self', 0, { tag: 5 });
    assert.equal(await comm.recv({ tag: 5, timeout: Infinity }), 'self');
    assert.equal(await new Lock().acquire({ timeout: Infinity }), true);
    const q = new Queue<number>();
    await q.put(1, { timeout: Infinity });
    assert.equal(await q.get({ timeout: Infinity }), 1);
    const e = new Event();
    e.set();
    assert.equal(await e.wait({ timeout: Infinity }), true);
    const pool = new Pool({ size: 1 });
    const executor = new Executor({ maxWorkers: 1 });
    try {
      // A task that takes a while: a timer given Infinity fires after 1 ms (node's overflow rule).
      assert.deepEqual(await pool.map(mathTasks.sleepy, [30], { timeout: Infinity }), [30]);
      assert.equal(await pool.apply(mathTasks.sleepy, [30], { timeout: Infinity }), 30);
      assert.equal(await executor.submit(mathTasks.sleepy, 30).result({ timeout: Infinity }), 30);
    } finally {
      await pool.terminate();
      await executor.terminate();
    }
    const r = await farm('sleep 0.05; echo {}', ['x'], { timeout: Infinity, killAfter: Infinity });
    assert.equal(r.jobs[0]?.exitCode, 0);
    assert.equal(r.jobs[0]?.timedOut, false);
  });
});
