import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fixture, runFixture, HANGS } from './helpers.ts';
import { jobDirBase, ownerAlive, pidSpace, removeStaleJobDirs } from '../src/transport/processes/dir.ts';

// Issue 14.9: a launcher killed with `kill -9` never removes its job folder (sockets and
// reports); the next job to start removes it, and never the folder of a job still running.

const bin = new URL('../bin/ranks.js', import.meta.url).pathname;

/** Starts `ranks run` on waits-stdin.ts over processes (or `argv`); resolves once it says it started. */
function startJob(
  argv = [bin, 'run', '-n', '2', '--transport', 'processes', fixture('waits-stdin.ts').pathname],
): Promise<{ child: ChildProcess; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('started')) resolve({ child, exited });
    });
    child.on('exit', (code, signal) => reject(new Error(`the job ended before it started (${code ?? signal}): ${out}`)));
  });
}

/** The job folder of launcher `pid`. */
function folderOf(pid: number): string | undefined {
  const name = readdirSync(jobDirBase()).find((n) => n.startsWith(`ranks-${pid}-`));
  return name === undefined ? undefined : join(jobDirBase(), name);
}

describe('job folders of launchers killed with kill -9', { timeout: HANGS }, () => {
  test('are removed when the next job starts; a running job keeps its own', async () => {
    const killed = await startJob();
    const stale = folderOf(killed.child.pid!);
    assert.ok(stale && existsSync(stale), 'the running job has its folder');
    killed.child.kill('SIGKILL');
    await killed.exited;
    assert.ok(existsSync(stale), 'kill -9 left the folder behind');
    assert.equal(ownerAlive(killed.child.pid!, stale.split('-')[2]!), false);

    // Starting a job removes the stale folder...
    const live = await startJob();
    assert.equal(existsSync(stale), false, 'the next job to start removed the stale folder');
    const mine = folderOf(live.child.pid!);
    assert.ok(mine && existsSync(mine));
    // ...and a job starting while another runs leaves the running one's folder alone.
    assert.deepEqual((await runFixture('plain.mjs', 2, [], 'processes')).exitCodes, [0, 0]);
    assert.ok(existsSync(mine), 'a running job keeps its folder');
    live.child.stdin!.end('bye');
    assert.equal(await live.exited, 0);
    assert.equal(existsSync(mine), false, 'a job that ends removes its own folder');
  });

  test('a folder from another boot or pid namespace (a container sharing /dev/shm) is never removed', () => {
    const base = mkdtempSync(join(tmpdir(), 'ranks-leftovers-'));
    try {
      // pid 2^22 + 1 is past Linux's pid_max: no such process here.
      const gone = 4_194_305;
      const other = pidSpace() === '00000000' ? '00000001' : '00000000';
      const foreign = join(base, `ranks-${gone}-123-${other}-abcdef`);
      const ours = join(base, `ranks-${gone}-123-${pidSpace()}-abcdef`);
      mkdirSync(foreign);
      mkdirSync(ours);
      assert.deepEqual(removeStaleJobDirs(base), [ours]);
      assert.ok(existsSync(foreign), "another pid space's folder stays");
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test("a process pool's owner killed with kill -9: its folder is removed by the next start", async () => {
    const owner = await startJob(['--import', 'tsx', fixture('pool-owner.ts').pathname]);
    const stale = folderOf(owner.child.pid!);
    assert.ok(stale && existsSync(stale), 'the pool has its folder');
    owner.child.kill('SIGKILL');
    await owner.exited;
    assert.ok(existsSync(stale), 'kill -9 left the folder behind');
    assert.deepEqual((await runFixture('plain.mjs', 2, [], 'processes')).exitCodes, [0, 0]);
    assert.equal(existsSync(stale), false, 'the next job to start removed it');
  });
});
