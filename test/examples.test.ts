import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { cli, tsx, HANGS } from './helpers.ts';
import { cannotJoin, mpiexec, mpiFlavors, type MpiFlavor } from './mpi-helpers.ts';

const example = (name: string): string => new URL(`../examples/${name}`, import.meta.url).pathname;

// The examples are documentation: they must keep running and printing what they say.
describe('examples', { timeout: HANGS }, () => {
  test('pi.ts on 4 ranks', async () => {
    const r = await cli(['run', '-n', '4', example('pi.ts'), '400000']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /pi ≈ 3\.14159265\d+ .* from 4 ranks/);
    for (const k of [1, 2, 3]) assert.match(r.stdout, new RegExp(`got the part of rank ${k}`));
  });

  test('win-counter.ts and win-halo.ts (one-sided) on 4 ranks, threads and processes', async () => {
    for (const transport of ['threads', 'processes']) {
      const c = await cli(['run', '-n', '4', '--transport', transport, example('win-counter.ts'), '50']);
      assert.equal(c.code, 0, c.stderr);
      assert.match(c.stdout, /counter = 200 after 4 ranks took 50 tickets each; every ticket unique: true/);
      const h = await cli(['run', '-n', '4', '--transport', transport, example('win-halo.ts'), '20', '50']);
      assert.equal(h.code, 0, h.stderr);
      assert.match(h.stdout, /heat after 50 steps on 4 ranks: total 1000\.000000, max difference from serial 0\.0e\+0/);
    }
  });

  test('cart-halo.ts (neighborAlltoall halo exchange) on 4 ranks, threads and processes, and on 3', async () => {
    for (const transport of ['threads', 'processes']) {
      const r = await cli(['run', '-n', '4', '--transport', transport, example('cart-halo.ts'), '16', '50']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /heat after 50 steps on 4 ranks \(2x2 grid\): total 4600\.000000, max difference from serial 0\.0e\+0/);
    }
    const three = await cli(['run', '-n', '3', example('cart-halo.ts'), '8', '20']);
    assert.equal(three.code, 0, three.stderr);
    assert.match(three.stdout, /heat after 20 steps on 3 ranks \(3x1 grid\): total \d+\.\d{6}, max difference from serial 0\.0e\+0/);
  });

  test('win-counter.ts and win-halo.ts under mpiexec (`mpiexec -n 3 ranks run ...`)', async (t) => {
    const found = mpiFlavors().find((f) => f.flavor.name === 'MPICH' && !f.skip);
    const why = found ? await cannotJoin(found.flavor as MpiFlavor) : 'mpiexec.mpich not found';
    if (why) return t.skip(why);
    const f = found!.flavor as MpiFlavor;
    const bin = new URL('../bin/ranks.js', import.meta.url).pathname;
    const c = await mpiexec(f, [...f.ranks(3), process.execPath, bin, 'run', example('win-counter.ts'), '50']);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /counter = 150 after 3 ranks took 50 tickets each; every ticket unique: true/);
    const h = await mpiexec(f, [...f.ranks(3), process.execPath, bin, 'run', example('win-halo.ts'), '20', '50']);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /heat after 50 steps on 3 ranks: total \d+\.\d{6}, max difference from serial 0\.0e\+0/);
  });

  test('spawn-farm.ts (seed 000 with spawn: a manager spawns 4 workers and hands them inputs, then poison pills)', async (t) => {
    const check = (r: { code: number | null; stdout: string; stderr: string }): void => {
      assert.equal(r.code, 0, r.stderr);
      for (const w of [0, 1, 2, 3]) assert.match(r.stdout, new RegExp(`^Worker: ${w}$`, 'm'));
      for (let i = 0; i < 8; i++) {
        assert.match(r.stdout, new RegExp(`^worker [0-3] executing in${i}$`, 'm'));
        assert.match(r.stdout, new RegExp(`^in${i}.out: n=${8 + 4 * i} seed=${i + 2} trace=\\d+$`, 'm'));
      }
    };
    check(await cli(['run', '-n', '1', example('spawn-farm.ts')]));
    // Through MPI_Comm_spawn (Open MPI: this machine's MPICH cannot spawn, see test/spawn.test.ts).
    const found = mpiFlavors().find((f) => f.flavor.name === 'Open MPI' && !f.skip);
    if (!found) return t.skip('mpiexec.openmpi not found: the MPI_Comm_spawn run is left out');
    const f = found.flavor as MpiFlavor;
    const bin = new URL('../bin/ranks.js', import.meta.url).pathname;
    check(await mpiexec(f, [...f.ranks(1), process.execPath, bin, 'run', example('spawn-farm.ts')]));
  });

  test('p2p-typed-arrays.ts (seed 003, buffers with tags)', async () => {
    const r = await cli(['run', '-n', '2', example('p2p-typed-arrays.ts')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Int32Array\[1000\] ending 999, and Float64Array\[100\] summing to 4950/);
  });

  test('p2p-objects.ts (seed 003, objects)', async () => {
    const r = await cli(['run', '-n', '2', example('p2p-objects.ts')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /a=7 b=3\.14 seen=x,y at=1970-01-01T00:00:00\.000Z weights=Float32Array\(0\.5,0\.25\) big=1208925819614629174706176/);
    assert.match(r.stdout, /from rank 0, tag 11, \d+ bytes/);
  });

  test('ring.ts on 4 ranks', async () => {
    const r = await cli(['run', '-n', '4', example('ring.ts')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /visited ranks 0 -> 1 -> 2 -> 3 -> 0/);
  });

  test('persistent-ring.ts (halo exchange with persistent requests) on 4 ranks', async () => {
    const r = await cli(['run', '-n', '4', example('persistent-ring.ts'), '100', '50']);
    assert.equal(r.code, 0, r.stderr);
    // Heat leaves rank 0's first cell through its left halo at once: only a working exchange keeps the total.
    assert.match(r.stdout, /after 50 steps on 4 ranks the heat is conserved: total 1\.000000000000/);
  });

  test('psum-cluster.ts (seed 003 as an IPython session: push, scatter, allreduce on the engines, pull), threads and processes', async () => {
    for (const transport of ['threads', 'processes']) {
      const r = await tsx(example('psum-cluster.ts'), ['4', transport, '1001']);
      assert.equal(r.code, 0, r.stderr);
      for (const [k, len] of [
        [0, 251],
        [1, 250],
        [2, 250],
        [3, 250],
      ])
        assert.match(r.stdout, new RegExp(`engine ${k}: ${len} of 1001 elements`));
      assert.match(r.stdout, new RegExp(`psum on 4 ${transport} engines: 500500, 500500, 500500, 500500 \\(expected 500500\\)`));
      assert.match(r.stdout, /gathered 1001 elements, same as scattered: true/);
    }
  });

  test('psum.ts (seed 003, Allreduce) on 4 ranks', async () => {
    const r = await cli(['run', '-n', '4', example('psum.ts'), '1000']);
    assert.equal(r.code, 0, r.stderr);
    for (const k of [0, 1, 2, 3]) assert.match(r.stdout, new RegExp(`rank ${k}: local elements \\d+\\.\\.\\d+, psum = 499500 \\(expected 499500\\)`));
    assert.match(r.stdout, /histogram of all 1000 values: \[100, 100, 100, 100, 100, 100, 100, 100, 100, 100\]; largest slice 250/);
  });

  test('bcast-timing.ts (seed 000, typed vs object bcast) on 3 ranks', async () => {
    const r = await cli(['run', '-n', '3', example('bcast-timing.ts'), '20000']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /typed array comm time +\d+\.\d+ s +\(Float64Array of 20000\)/);
    assert.match(r.stdout, /plain array comm time +\d+\.\d+ s +\(number\[\] of 20000, serialized\)/);
    assert.match(r.stdout, /the typed path is \d+\.\dx faster on 3 ranks/);
  });

  test('pool-over-ranks.ts (an Executor over the ranks of a job) on 4 ranks', async () => {
    const r = await cli(['run', '-n', '4', example('pool-over-ranks.ts'), '200000']);
    assert.equal(r.code, 0, r.stderr);
    // 17984 primes below 200000, and every serving rank (not rank 0) counted some blocks.
    assert.match(r.stdout, /^17984 primes below 200000, counted by ranks 1 \(\d+ blocks\), 2 \(\d+ blocks\), 3 \(\d+ blocks\)$/m);
  });

  test("checkpoint.ts (File: writeAtAll, then every rank reads another rank's block) on 4 ranks", async () => {
    const r = await cli(['run', '-n', '4', example('checkpoint.ts'), '10000']);
    assert.equal(r.code, 0, r.stderr);
    for (const k of [0, 1, 2, 3])
      assert.match(r.stdout, new RegExp(`rank ${k} restored the 10000 elements of rank ${(k + 1) % 4} from a 320000-byte checkpoint`));
  });

  test('mp-workers.ts (seed 000, five Processes)', async () => {
    const r = await tsx(example('mp-workers.ts'));
    assert.equal(r.code, 0, r.stderr);
    for (const i of [0, 1, 2, 3, 4]) assert.match(r.stdout, new RegExp(`^Worker: ${i}$`, 'm'));
    assert.match(r.stdout, /joined Process-1 \(exit code 0\), .*Process-5 \(exit code 0\)/);
  });

  test('mp-pool-map.ts (seed 001, Pool(5).map)', async () => {
    const r = await tsx(example('mp-pool-map.ts'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '[ 1, 4, 9 ]\n');
  });

  test('mp-queue-commands.ts (seed 000, a Queue of inputs with poison pills, a command per input)', async () => {
    const r = await tsx(example('mp-queue-commands.ts'));
    assert.equal(r.code, 0, r.stderr);
    for (const i of [0, 1, 2, 3]) {
      assert.match(r.stdout, new RegExp(`^Worker: ${i}$`, 'm'));
      assert.match(r.stdout, new RegExp(`^executing in${i}$`, 'm'));
      assert.match(r.stdout, new RegExp(`^in${i}.out: ${[1, 2, 3].map((x) => x * (i + 1)).join(' ')}$`, 'm'));
    }
  });

  test('mp-pipe-queue.ts (seed 002, Process, Queue and Pipe)', async () => {
    const r = await tsx(example('mp-pipe-queue.ts'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "hello bob\nfrom the queue: [ 42, null, 'hello' ]\nfrom the pipe: [ 42, null, 'hello' ]\n");
  });

  test('futures-downloads.ts (seed 001, Executor and asCompleted)', async () => {
    const r = await tsx(example('futures-downloads.ts'));
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.replace(/127\.0\.0\.1:\d+/, 'host'))
      .sort();
    assert.deepEqual(lines, [
      "'http://host/bbc' page is 700 bytes",
      "'http://host/cnn' page is 1100 bytes",
      "'http://host/europe.wsj' page is 2400 bytes",
      "'http://host/foxnews' page is 5300 bytes",
      "'http://host/some-made-up-page' generated an exception: HTTP Error 404: Not Found",
    ]);
  });

  test('farm-kernel.ts (seed 000, the task farm of ./mmul.x < in > in.out)', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', example('farm-kernel.ts'), '6', '3'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /job 1: in0 -> n=20 seed=2 trace=2388 /);
    assert.match(r.stdout, /6 of 6 kernel runs correct, 0 failed, 3 at a time/);
  });
});
