// The codec's round trips: every packed shape (number arrays, strings, trees of plain
// values) and every reason it hands a value to V8's serializer decode to what was sent,
// with what V8's structured clone would give. End to end on every transport: fixtures/codec-shapes.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { decode, decodeReceived, encode, recycleAfter } from '../src/codec/encode.ts';
import { SCRATCH_MIN, recycle, scratch } from '../src/codec/scratch.ts';
import { OBJECT } from '../src/codec/kinds.ts';
import { SMALL_ARRAY, V8_FIRST } from '../src/codec/packed.ts';
import { DataCloneError } from '../src/errors.ts';
import { HANGS } from './helpers.ts';

/** Encodes and decodes `value`; returns the copy and whether ranks' packed encoding carried it. */
function roundTrip(value: unknown): { copy: unknown; packed: boolean } {
  const enc = encode(value);
  // What a transport hands back: bytes in a buffer of their own.
  const copy = decode(enc.kind, Uint8Array.prototype.slice.call(enc.bytes));
  return { copy, packed: enc.kind === OBJECT && enc.bytes[0] !== V8_FIRST };
}

/** The copy equals what V8's structured clone gives, and the path is the one expected. */
function same(value: unknown, packed: boolean): unknown {
  const r = roundTrip(value);
  assert.deepStrictEqual(r.copy, deserialize(serialize(value)));
  assert.equal(r.packed, packed, `expected ${packed ? 'the packed encoding' : "V8's serializer"}`);
  return r.copy;
}

describe('codec: packed shapes', { timeout: HANGS }, () => {
  test('a plain array of numbers travels as float64, keeping -0, NaN, infinities and integers', () => {
    const a = [0, -0, NaN, Infinity, -Infinity, 1.5, -(2 ** 31), 2 ** 53, Number.MIN_VALUE, 3, 4, 5, 6, 7, 8, 9, 10];
    const copy = same(a, true) as number[];
    assert.ok(Object.is(copy[1], -0));
    assert.ok(Number.isNaN(copy[2]));
    assert.ok(Array.isArray(copy));
    const big = Array.from({ length: 5000 }, (_, i) => i / 7);
    assert.deepStrictEqual(same(big, true), big);
  });

  test('number arrays that are not plain: undefined or strings make a tree; holes, named properties, subclasses go to V8', () => {
    const holes = Array.from({ length: 20 }, (_, i) => i);
    delete holes[3];
    const copy = same(holes, false) as number[];
    assert.equal(3 in copy, false);
    same([...Array.from({ length: 20 }, (_, i) => i), undefined], true);
    same([...Array.from({ length: 20 }, (_, i) => i), '1'], true);
    const named = Object.assign(
      Array.from({ length: 20 }, (_, i) => i),
      { label: 'x' },
    );
    assert.equal((same(named, false) as unknown as { label: string }).label, 'x');
    class Numbers extends Array<number> {}
    const sub = Numbers.from({ length: 20 }, (_, i) => i);
    same(sub, false);
  });

  test('strings: Latin-1, UTF-16, lone surrogates, empty', () => {
    for (const s of ['', 'plain ascii', 'café ÿ', 'x'.repeat(1 << 20), 'emoji 😀 and 中文', 'lone \ud800 high', 'lone \udc00 low', '\0nul'])
      assert.equal(same(s, true), s);
  });

  test('records and trees of plain values', () => {
    same({ id: 1, name: 'alice', tags: ['a', 'bb', 'ccc'] }, true);
    same({ n: null, u: undefined, t: true, f: false, z: -0, nan: NaN, big: 2 ** 40, neg: -7, frac: 0.1, s: 'é😀' }, true);
    const copy = same({ z: -0, i: 2 ** 31 - 1, j: -(2 ** 31), k: 2 ** 31 }, true) as Record<string, number>;
    assert.ok(Object.is(copy.z, -0));
    // Key order, integer-like keys, long keys and values, empty containers.
    same({ b: 1, a: 2, 10: 'x', 2: 'y', ['k'.repeat(300)]: 'v'.repeat(300), e: {}, ea: [] }, true);
    assert.deepStrictEqual(Object.keys(same({ b: 1, 2: 0, a: 2, 1: 0 }, true) as object), ['1', '2', 'b', 'a']);
    // Records sharing one key list, nested.
    same(
      Array.from({ length: 50 }, (_, i) => ({ id: i, name: `n${i}`, inner: { x: i, y: [i, `${i}`] } })),
      true,
    );
    // Null-prototype objects come back as plain objects, as with V8.
    same(Object.assign(Object.create(null) as object, { a: 1 }), true);
    // Top-level scalars other than numbers.
    for (const v of [null, undefined, true, false, []]) same(v, true);
  });

  test('trees V8 must carry: Map, Set, Date, BigInt, RegExp, typed arrays, class instances, __proto__ keys, holes, big trees', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    for (const v of [
      { m: new Map([[1, 'a']]) },
      { s: new Set([1, 2]) },
      { d: new Date(0) },
      { b: 10n },
      10n,
      { r: /x/g },
      { f: new Float64Array([1, 2]) },
      new Point(1, 2),
      { p: new Point(1, 2) },
      JSON.parse('{"__proto__": {"polluted": 1}}') as object,
      [1, , 3],
      { a: Object.assign([1, 2], { extra: true }) },
      Array.from({ length: SMALL_ARRAY + 1 }, () => 'x'),
      { long: 'x'.repeat(64 << 10) },
      Array.from({ length: 5000 }, (_, i) => ({ id: i })),
      new Boolean(true),
    ])
      same(v, false);
    const p = same(JSON.parse('{"__proto__": {"polluted": 1}}'), false) as Record<string, unknown>;
    assert.ok(Object.hasOwn(p, '__proto__'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  test('shared and cyclic references keep their identity (V8 carries them)', () => {
    const shared = { x: 1 };
    const copy = same({ a: shared, b: shared }, false) as { a: object; b: object };
    assert.equal(copy.a, copy.b);
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const c = roundTrip(cyclic).copy as Record<string, unknown>;
    assert.equal(c.self, c);
    // Past the objects the writer searches in order too, and message after message (what it
    // remembers of one message is gone by the next).
    const many = Array.from({ length: 40 }, (_, i) => ({ i }));
    for (let round = 0; round < 2; round++) {
      const late = same([...many, many[35]], false) as object[];
      assert.equal(late[40], late[35]);
      assert.equal((same(many, true) as object[]).length, 40);
    }
    const deep: Record<string, unknown> = {};
    let at = deep;
    for (let i = 0; i < 200; i++) at = (at.next = {}) as Record<string, unknown>;
    same(deep, false);
  });

  test('values nothing can serialize still fail with DataCloneError naming the part', () => {
    assert.throws(
      () => encode({ ok: 1, handlers: [1, () => 0] }),
      (err: unknown) => err instanceof DataCloneError && /value\.handlers\[1\]/.test((err as Error).message),
    );
    assert.throws(() => encode({ s: Symbol('x') }), DataCloneError);
  });

  test('a getter that sends while the packed writer runs gets V8 (the writer is not reentered)', () => {
    let inner: ReturnType<typeof encode> | undefined;
    const value = {
      a: 1,
      get b() {
        inner = encode({ nested: 'during' });
        return 2;
      },
    };
    const copy = roundTrip(value).copy;
    assert.deepStrictEqual(copy, { a: 1, b: 2 });
    assert.deepStrictEqual(decode(inner!.kind, inner!.bytes), { nested: 'during' });
  });

  test('encoded bytes belong to the caller: later encodes do not touch them', () => {
    const first = encode({ id: 1, name: 'first' });
    const second = encode({ id: 2, name: 'second', extra: [1, 2, 3] });
    encode('x'.repeat(1000));
    assert.deepStrictEqual(decode(first.kind, first.bytes), { id: 1, name: 'first' });
    assert.deepStrictEqual(decode(second.kind, second.bytes), { id: 2, name: 'second', extra: [1, 2, 3] });
    assert.notEqual(first.bytes.buffer, second.bytes.buffer);
  });

  test('packed bytes decode from an unaligned offset', () => {
    const enc = encode(Array.from({ length: 40 }, (_, i) => i * 1.25));
    const shifted = new Uint8Array(enc.bytes.byteLength + 3);
    shifted.set(enc.bytes, 3);
    assert.deepStrictEqual(
      decode(OBJECT, shifted.subarray(3)),
      Array.from({ length: 40 }, (_, i) => i * 1.25),
    );
    const tree = encode({ a: 1.5, s: 'x'.repeat(100) });
    const t2 = new Uint8Array(tree.bytes.byteLength + 1);
    t2.set(tree.bytes, 1);
    assert.deepStrictEqual(decode(OBJECT, t2.subarray(1)), { a: 1.5, s: 'x'.repeat(100) });
  });
});

describe('the large-buffer pool', { timeout: HANGS }, () => {
  test('a buffer given back serves the next large message of its size class; small ones are never pooled', () => {
    const a = scratch(SCRATCH_MIN + 5);
    assert.equal(a.byteLength, SCRATCH_MIN + 5);
    a[0] = 42;
    recycle(a);
    recycle(a); // twice: kept once
    const b = scratch(SCRATCH_MIN + 100);
    assert.equal(b.buffer, a.buffer, 'the same memory comes back');
    const c = scratch(SCRATCH_MIN + 100);
    assert.notEqual(c.buffer, b.buffer, 'a buffer is handed out once until it comes back');
    const small = scratch(100);
    recycle(small);
    assert.notEqual(scratch(100).buffer, small.buffer);
    recycle(b);
    recycle(c);
  });

  test('a packed object received goes back once decoded; a V8-serialized one (its typed arrays view the bytes) never does', () => {
    const text = 'y'.repeat(SCRATCH_MIN * 2);
    const enc = encode(text);
    const data = scratch(enc.bytes.byteLength);
    data.set(enc.bytes);
    assert.equal(decodeReceived(OBJECT, data), text);
    assert.equal(scratch(enc.bytes.byteLength).buffer, data.buffer, 'the packed message buffer was reused');

    const withTyped = { f: new Float64Array(SCRATCH_MIN / 8).fill(7) };
    const venc = encode(withTyped);
    assert.equal(venc.bytes[0], V8_FIRST);
    const vdata = scratch(venc.bytes.byteLength);
    vdata.set(venc.bytes);
    const got = decodeReceived(OBJECT, vdata) as typeof withTyped;
    const next = scratch(venc.bytes.byteLength);
    assert.notEqual(next.buffer, vdata.buffer, 'a V8 message buffer stays with its value');
    next.fill(0);
    assert.equal(got.f[SCRATCH_MIN / 8 - 1], 7);
  });

  test("the sender's encoding goes back only once its send is done", () => {
    const enc = encode('z'.repeat(SCRATCH_MIN));
    const op = { done: false, onSettle: undefined as (() => void) | undefined };
    recycleAfter(enc.kind, enc.bytes, op);
    assert.notEqual(scratch(enc.bytes.byteLength).buffer, enc.bytes.buffer, 'still in flight: not handed out');
    op.done = true;
    op.onSettle!();
    assert.equal(scratch(enc.bytes.byteLength).buffer, enc.bytes.buffer);
  });
});
