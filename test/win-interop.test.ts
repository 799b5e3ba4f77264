// One MPI job of mpi4py and ranks ranks sharing one window on COMM_WORLD (`mpiexec -n 1
// python3 win-peer.py : -n 2 node win-app.ts : -n 1 python3 win-peer.py`): puts from ranks
// land in mpi4py's memory and the reverse, accumulates under a lock, gets after a fence.
// Open MPI only (Debian's mpi4py is built on it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { fixture, HANGS } from './helpers.ts';
import { MPI_ENV, cannotJoin, mpiexec, mpiFlavors, type MpiFlavor } from './mpi-helpers.ts';
import { OMPI_OSC } from './win-helpers.ts';

const PYTHON = '/usr/bin/python3';

describe('Open MPI: a window shared by mpi4py and ranks ranks', { timeout: HANGS }, () => {
  test('put, accumulate and get cross between the two programs', async (t) => {
    const found = mpiFlavors().find((x) => x.flavor.name === 'Open MPI')!;
    let why = found.skip ?? (await cannotJoin(found.flavor as MpiFlavor));
    const py = spawnSync(PYTHON, ['-c', 'import mpi4py, numpy'], { encoding: 'utf8', env: MPI_ENV });
    if (!why && py.status !== 0) why = `mpi4py or numpy is not importable by ${PYTHON} (python3-mpi4py python3-numpy)`;
    if (why) {
      console.log(`# skipped: ${why}`);
      return t.skip(why);
    }
    const f = found.flavor as MpiFlavor;
    const peer = [PYTHON, fixture('interop/win-peer.py').pathname];
    const app = [process.execPath, '--import', 'tsx', fixture('interop/win-app.ts').pathname];
    const argv = ['--oversubscribe', '-n', '1', ...peer, ':', '--oversubscribe', '-n', '2', ...app, ':', '--oversubscribe', '-n', '1', ...peer];
    const out = await mpiexec(f, argv, { env: OMPI_OSC, timeoutMs: 120_000 });
    assert.equal(out.code, 0, `${out.stderr.slice(-3000)}\n${out.stdout}`);
    const lines = (out.stdout.match(/ok (?:mpi4py|ranks) win rank \d+/g) ?? []).sort();
    assert.deepEqual(lines, ['ok mpi4py win rank 0', 'ok mpi4py win rank 3', 'ok ranks win rank 1', 'ok ranks win rank 2']);
  });
});
