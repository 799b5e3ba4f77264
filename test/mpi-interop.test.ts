// One MPI job of three programs: mpi4py, ranks and C ranks (`mpiexec -n 1 python3 peer.py :
// -n 1 node app.ts : -n 1 ./peer`) pass float64 arrays around a ring with send/recv and
// complete an allreduce. Open MPI tells each process which app context it is in, so ranks
// finds its peers by itself; under MPICH, RANKS_MPI_PEERS says which ranks run ranks.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fixture, HANGS } from './helpers.ts';
import { MPI_ENV, cannotJoin, mpiexec, mpiFlavors, type MpiFlavor } from './mpi-helpers.ts';

const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'ranks-interop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function ok(cmd: string, args: string[]): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: MPI_ENV });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error?.message ?? ''}` };
}

/** Builds peer.c with the flavor's mpicc, or says why not. */
function buildPeer(f: MpiFlavor): string | { skip: string } {
  const suffix = f.name === 'MPICH' ? 'mpich' : 'openmpi';
  const cc = [`mpicc.${suffix}`, 'mpicc'].find(
    (c) =>
      ok('sh', ['-c', `command -v ${c}`]).ok &&
      (c !== 'mpicc' || new RegExp(suffix === 'mpich' ? 'mpich' : 'open ?mpi|openmpi', 'i').test(ok(c, ['-show']).output)),
  );
  if (!cc) return { skip: `no ${f.name} mpicc found` };
  const exe = join(dir, `peer-${suffix}`);
  const built = ok(cc, ['-O2', '-o', exe, fixture('interop/peer.c').pathname]);
  return built.ok ? exe : { skip: `${cc} cannot build peer.c: ${built.output.slice(0, 300)}` };
}

const app = (): string[] => [process.execPath, '--import', 'tsx', fixture('interop/app.ts').pathname];

for (const { flavor, skip } of mpiFlavors()) {
  describe(`${flavor.name}: ranks in one job with ${flavor.name === 'Open MPI' ? 'mpi4py and ' : ''}C ranks`, { timeout: HANGS }, () => {
    test('float64 arrays around a ring (small and large) and an allreduce over every rank', async (t) => {
      let why = skip ?? (await cannotJoin(flavor as MpiFlavor));
      const f = flavor as MpiFlavor;
      const peer = why ? undefined : buildPeer(f);
      if (typeof peer === 'object') why = peer.skip;
      const py = flavor.name === 'Open MPI' ? ok(PYTHON, ['-c', 'import mpi4py, numpy']) : { ok: true, output: '' };
      if (!why && !py.ok) why = `mpi4py or numpy is not importable by ${PYTHON} (python3-mpi4py python3-numpy): ${py.output.trim().split('\n').pop()}`;
      if (why || typeof peer !== 'string') {
        console.log(`# skipped: ${why}`);
        return t.skip(why);
      }
      const n = (k: number): string[] => (f.name === 'Open MPI' ? ['--oversubscribe', '-n', String(k)] : ['-n', String(k)]);
      const argv =
        f.name === 'Open MPI'
          ? [...n(1), PYTHON, fixture('interop/peer.py').pathname, ':', ...n(1), ...app(), ':', ...n(1), peer]
          : [...n(1), peer, ':', ...n(1), ...app(), ':', ...n(1), peer];
      const out = await mpiexec(f, argv, { env: f.name === 'MPICH' ? { RANKS_MPI_PEERS: '1' } : {}, timeoutMs: 120_000 });
      assert.equal(out.code, 0, `${out.stderr.slice(-3000)}\n${out.stdout}`);
      // mpiexec forwards each rank's writes as they come, and Python may write a line and its
      // newline apart, so two ranks' reports can share a line: take them by pattern.
      const lines = (out.stdout.match(/ok (?:C|mpi4py|ranks) rank \d+/g) ?? []).sort();
      assert.deepEqual(
        lines,
        f.name === 'Open MPI' ? ['ok C rank 2', 'ok mpi4py rank 0', 'ok ranks rank 1'] : ['ok C rank 0', 'ok C rank 2', 'ok ranks rank 1'],
      );
    });
  });
}
