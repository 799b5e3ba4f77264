import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RingReader, RingWriter, createRing, FIRST, LAST } from '../src/transport/threads/ring.ts';
import { HANGS } from './helpers.ts';

test('ring records wrap around the end and keep their bytes and order', { timeout: HANGS }, () => {
  const sab = createRing(1024);
  const w = new RingWriter(sab);
  const r = new RingReader(sab);
  const got: number[][] = [];
  let next = 0;
  let expect = 0;
  // Odd sizes force wrap markers at many offsets; the reader drains in batches.
  for (let round = 0; round < 500; round++) {
    const len = (round * 37) % 200;
    const payload = new Uint8Array(len).map((_, i) => (next + i) & 0xff);
    while (!w.write(8, FIRST | LAST, next, 2, len, payload, 0, len)) {
      assert.ok(
        r.drain((kind, flags, tag, ctx, total, bytes, at, length) => {
          assert.equal(kind, 8);
          assert.equal(flags, FIRST | LAST);
          assert.equal(ctx, 2);
          assert.equal(total, length);
          got.push([tag, ...bytes.subarray(at, at + length)]);
        }) > 0,
        'a full ring has something to drain',
      );
    }
    next++;
  }
  r.drain((_k, _f, tag, _c, _t, bytes, at, length) => void got.push([tag, ...bytes.subarray(at, at + length)]));
  assert.equal(got.length, 500);
  for (const [tag, ...bytes] of got) {
    assert.equal(tag, expect);
    assert.equal(bytes.length, (expect * 37) % 200);
    bytes.forEach((b, i) => assert.equal(b, (expect + i) & 0xff));
    expect++;
  }
  assert.equal(r.pending(), false);
});

test('a ring refuses a record that does not fit and accepts it once drained', { timeout: HANGS }, () => {
  const sab = createRing(1024);
  const w = new RingWriter(sab);
  const r = new RingReader(sab);
  const big = new Uint8Array(600);
  assert.equal(w.write(4, 3, 0, 0, 600, big, 0, 600), true);
  assert.equal(w.write(4, 3, 1, 0, 600, big, 0, 600), false);
  assert.equal(
    r.drain(() => {}),
    1,
  );
  assert.equal(w.write(4, 3, 1, 0, 600, big, 0, 600), true);
  assert.throws(() => createRing(1000), RangeError);
});
