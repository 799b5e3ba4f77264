import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

const bin = new URL('../bin/ranks.js', import.meta.url).pathname;
const N = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'ranks-farm-many-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('many tiny jobs', { timeout: 120_000 }, () => {
  test(`ranks farm runs ${N} \`true\` jobs read from stdin`, async () => {
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'farm', '-j', '2', '--joblog', 'jobs.log', 'true'], { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
      child.stdin.end(Array.from({ length: N }, (_, i) => `${i}\n`).join(''));
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`ranks farm: ${N} succeeded, 0 failed`));
    const log = readFileSync(join(dir, 'jobs.log'), 'utf8').trimEnd().split('\n');
    assert.equal(log.length, N + 1);
    assert.deepEqual(new Set(log.slice(1).map((l) => l.split('\t')[6])), new Set(['0']));
  });
});
