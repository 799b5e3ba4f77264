import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { HANGS } from './helpers.ts';

// Sized by what it asserts, not by time (a clean-clone CI run at load average 16 lost the
// 10^4-job version to its timeout): the farm runs under `ulimit -n 64`, where Node itself
// holds about 35 descriptors, so a job that leaked even one descriptor would fail with
// EMFILE within about 30 jobs; N is ten times that. Each input is 250 bytes, so stdin
// (75 KB) is more than one 64 KiB pipe buffer and is read while jobs run.
const N = 300;
const bin = new URL('../bin/ranks.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'ranks-farm-many-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('many tiny jobs', { timeout: HANGS }, () => {
  test(`ranks farm runs ${N} \`true\` jobs read from stdin, leaking no file descriptor`, async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const farm = `ulimit -n 64 && exec ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} farm -j 2 --joblog jobs.log true`;
      const child = spawn('/bin/sh', ['-c', farm], { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
      child.stdin.end(Array.from({ length: N }, (_, i) => `${String(i).padStart(249, '0')}\n`).join(''));
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`ranks farm: ${N} succeeded, 0 failed`));
    const log = readFileSync(join(dir, 'jobs.log'), 'utf8').trimEnd().split('\n');
    assert.equal(log.length, N + 1);
    assert.deepEqual(new Set(log.slice(1).map((l) => l.split('\t')[6])), new Set(['0']));
    assert.deepEqual(
      log
        .slice(1)
        .map((l) => Number(l.split('\t')[9]))
        .sort((a, b) => a - b),
      Array.from({ length: N }, (_, i) => i),
    );
  });
});
