import assert from 'node:assert/strict';
import { test } from 'node:test';
import { world, Status, Request, ANY_SOURCE } from 'ranks';

test('world() outside a launcher is a world of one where send to self works', { timeout: 10_000 }, async () => {
  const comm = world();
  assert.equal(comm.rank, 0);
  assert.equal(comm.size, 1);
  assert.equal(world(), comm, 'world() is one communicator per rank');
  await comm.send({ a: [1, 2] }, 0, { tag: 3 });
  const st = new Status();
  assert.deepEqual(await comm.recv({ source: ANY_SOURCE, status: st }), { a: [1, 2] });
  assert.equal(st.source, 0);
  assert.equal(st.tag, 3);
  const r = comm.irecv<Float64Array>({ source: 0 });
  assert.equal(r.test(), undefined);
  await comm.isend(new Float64Array([7]), 0);
  assert.deepEqual([...(await r)], [7]);
  assert.throws(() => comm.send(1, 1), RangeError);
  // A receive that nothing can satisfy ends by its timeout, not by hanging.
  await assert.rejects(comm.recv({ tag: 99, timeout: 30 }), { code: 'ERR_TIMEOUT' });
  assert.deepEqual(await Request.waitAll([comm.isend(1, 0), comm.irecv({ source: 0 })]), [undefined, 1]);
});
