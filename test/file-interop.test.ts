// Under Open MPI, a file that ranks write (MPI_File_write_at_all through File.writeAtAll)
// reads back with mpi4py's MPI.File.Read_at_all, and a file mpi4py writes reads back with
// File.readAtAll: two jobs each way, 2 ranks each. Skipped, with the reason, where Open
// MPI, koffi or Debian's mpi4py (only under /usr/bin/python3) is missing.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fixture, HANGS } from './helpers.ts';
import { MPI_ENV, cannotJoin, mpiexec, mpiFlavors, type MpiFlavor } from './mpi-helpers.ts';

const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'ranks-file-interop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const ranks = (mode: string, path: string): string[] => [process.execPath, '--import', 'tsx', fixture('interop/file.ts').pathname, mode, path];
const mpi4py = (mode: string, path: string): string[] => [PYTHON, fixture('interop/file.py').pathname, mode, path];

const ompi = mpiFlavors().find((f) => f.flavor.name === 'Open MPI')!;
describe('File interop with mpi4py (Open MPI)', { timeout: HANGS }, () => {
  let why: string | undefined;
  test('setup', async () => {
    why = ompi.skip ?? (await cannotJoin(ompi.flavor as MpiFlavor));
    const py = spawnSync(PYTHON, ['-c', 'import mpi4py, numpy'], { encoding: 'utf8', env: MPI_ENV });
    if (!why && py.status !== 0) why = `mpi4py or numpy is not importable by ${PYTHON}: ${`${py.stderr}`.trim().split('\n').pop()}`;
    if (why) console.log(`# skipped: ${why}`);
  });
  for (const [writer, reader] of [
    ['ranks', 'mpi4py'],
    ['mpi4py', 'ranks'],
  ] as const) {
    test(`${writer} writes with write_at_all, ${reader} reads it back with read_at_all`, async (t) => {
      if (why) return t.skip(why);
      const f = ompi.flavor as MpiFlavor;
      const path = join(dir, `${writer}-to-${reader}.dat`);
      const cmd = (who: string, mode: string): string[] => (who === 'ranks' ? ranks(mode, path) : mpi4py(mode, path));
      const w = await mpiexec(f, [...f.ranks(2), ...cmd(writer, 'write')], { timeoutMs: 120_000 });
      assert.equal(w.code, 0, `${w.stderr.slice(-3000)}\n${w.stdout}`);
      assert.equal(w.stdout.match(new RegExp(`${writer} write ok rank \\d`, 'g'))?.length, 2);
      const r = await mpiexec(f, [...f.ranks(2), ...cmd(reader, 'read')], { timeoutMs: 120_000 });
      assert.equal(r.code, 0, `${r.stderr.slice(-3000)}\n${r.stdout}`);
      assert.equal(r.stdout.match(new RegExp(`${reader} read ok rank \\d`, 'g'))?.length, 2);
    });
  }
});
