import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAXLOC, Op, SUM, UNDEFINED, dimsCreate } from 'ranks';
// From the source: its constructor is internal, left out of the published .d.ts.
import { Group } from '../src/comm/group.ts';
import { HANGS } from './helpers.ts';

describe('dimsCreate (MPI_Dims_create)', { timeout: HANGS }, () => {
  test('balanced dimensions, largest first', () => {
    assert.deepEqual(dimsCreate(12, 2), [4, 3]);
    assert.deepEqual(dimsCreate(16, 3), [4, 2, 2]);
    assert.deepEqual(dimsCreate(7, 2), [7, 1]);
    assert.deepEqual(dimsCreate(1, 3), [1, 1, 1]);
    assert.deepEqual(dimsCreate(36, 2), [6, 6]);
    assert.deepEqual(dimsCreate(72, 2), [9, 8]);
    assert.deepEqual(dimsCreate(64, 3), [4, 4, 4]);
    assert.deepEqual(dimsCreate(30, 3), [5, 3, 2]);
  });
  test('fixed entries are kept and zeros filled', () => {
    assert.deepEqual(dimsCreate(12, [0, 2]), [6, 2]);
    assert.deepEqual(dimsCreate(24, [0, 3, 0]), [4, 3, 2]);
    assert.deepEqual(dimsCreate(6, [2, 3]), [2, 3]);
  });
  test('impossible requests are clear errors', () => {
    assert.throws(() => dimsCreate(10, [0, 3]), { code: 'ERR_INVALID_ARG' });
    assert.throws(() => dimsCreate(0, 2), RangeError);
    assert.throws(() => dimsCreate(6, [2, 2]), { code: 'ERR_INVALID_ARG' });
  });
});

describe('Group', { timeout: HANGS }, () => {
  const world = new Group([0, 1, 2, 3, 4], 2);
  const odd = new Group([3, 1], 1);
  test('rank and size; UNDEFINED for a non-member', () => {
    assert.equal(world.rank, 2);
    assert.equal(odd.rank, 1);
    assert.equal(new Group([0, 4], 2).rank, UNDEFINED);
  });
  test('translateRanks between groups', () => {
    assert.deepEqual(odd.translateRanks([0, 1], world), [3, 1]);
    assert.deepEqual(world.translateRanks([0, 1, 3], odd), [UNDEFINED, 1, 0]);
    assert.throws(() => odd.translateRanks([2], world), RangeError);
  });
  test('incl, excl, compare', () => {
    assert.deepEqual(world.incl([4, 0]).translateRanks([0, 1], world), [4, 0]);
    assert.equal(world.excl([0, 1]).size, 3);
    assert.equal(world.excl([0, 1]).rank, 0);
    assert.equal(world.compare(new Group([0, 1, 2, 3, 4], 0)), 'ident');
    assert.equal(odd.compare(new Group([1, 3], 1)), 'similar');
    assert.equal(odd.compare(world), 'unequal');
    assert.throws(() => world.incl([1, 1]), { code: 'ERR_INVALID_ARG' });
  });
});

describe('Op', { timeout: HANGS }, () => {
  test('Op.create checks its arguments', () => {
    assert.throws(() => Op.create(3 as never), { code: 'ERR_INVALID_ARG' });
    assert.throws(() => Op.create((a: number) => a, { commutative: 'no' as never }), { code: 'ERR_INVALID_ARG' });
    assert.equal(Op.create((a: number, b: number) => a - b, { commutative: false }).commutative, false);
  });
  test('built-in ops are frozen and named', () => {
    assert.equal(SUM.name, 'SUM');
    assert.equal(MAXLOC.commutative, true);
    assert.ok(Object.isFrozen(SUM));
  });
});
