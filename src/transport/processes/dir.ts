import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A Unix socket path must fit in 108 bytes (sun_path); leave room for "<rank>.sock".
const MAX_DIR = 80;

function usable(base: string): boolean {
  try {
    accessSync(base, constants.W_OK);
    return base.length < MAX_DIR;
  } catch {
    return false;
  }
}

/**
 * A private folder (mode 0700) for one job's sockets and reports: in /dev/shm when there
 * is one (memory, never disk), else the temporary folder, else /tmp.
 */
export function makeJobDir(): string {
  const base = ['/dev/shm', tmpdir(), '/tmp'].find(usable) ?? tmpdir();
  return mkdtempSync(join(base, 'ranks-'));
}

export function removeJobDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
