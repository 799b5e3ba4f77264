import { createHash } from 'node:crypto';
import { accessSync, constants, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A Unix socket path must fit in 108 bytes (sun_path); leave room for
// "/ranks-<pid>-<start>-<host>-XXXXXX/<rank>.sock".
const MAX_BASE = 50;
/**
 * A job folder's name: its owner's pid and start time (so a reused pid is told apart), the
 * pid space it lives in (`host`), then mkdtemp's six characters.
 */
const NAME = /^ranks-(\d+)-(\d+)-([0-9a-f]{8})-[A-Za-z0-9]{6}$/;

let host: string | undefined;
/**
 * Eight hex digits naming this machine's boot and pid namespace: a pid means something only
 * there. Containers sharing /dev/shm, or nodes sharing a temporary folder, see one another's
 * folders; an owner in another pid space is never judged gone from this one.
 */
export function pidSpace(): string {
  if (host === undefined) {
    const read = (f: () => string): string => {
      try {
        return f();
      } catch {
        return '';
      }
    };
    const boot = read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    const ns = read(() => readlinkSync('/proc/self/ns/pid'));
    host = createHash('sha256').update(`${boot}\n${ns}`).digest('hex').slice(0, 8);
  }
  return host;
}

function usable(base: string): boolean {
  try {
    accessSync(base, constants.W_OK);
    return base.length < MAX_BASE;
  } catch {
    return false;
  }
}

/** Where job folders go: /dev/shm when there is one (memory, never disk), else the temporary folder, else /tmp. */
export function jobDirBase(): string {
  return ['/dev/shm', tmpdir(), '/tmp'].find(usable) ?? tmpdir();
}

/**
 * When process `pid` started, in clock ticks since boot (Linux: /proc/<pid>/stat, field
 * 22); undefined where that cannot be read (no such process, or no /proc).
 */
export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Whether the process that made a folder, `pid` started at `start` ('0': unknown), is still running. */
export function ownerAlive(pid: number, start: string): boolean {
  const now = startTime(pid);
  if (now !== undefined) return start === '0' || now === start;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the job folders in `base` left by owners that are gone (a launcher or a pool's
 * owner killed with `kill -9` never ran its clean-up). Only this user's folders made in this
 * boot and pid namespace, and never one whose owner runs. Returns the folders removed.
 */
export function removeStaleJobDirs(base = jobDirBase()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const m = NAME.exec(name);
    if (!m || m[3] !== pidSpace() || ownerAlive(Number(m[1]), m[2]!)) continue;
    const dir = join(base, name);
    try {
      if (uid !== undefined && statSync(dir).uid !== uid) continue;
      // A dead owner's worker may still be ending and write its last report into the
      // folder while it is being removed (the rmdir then fails, ENOTEMPTY): try again.
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 20 });
      removed.push(dir);
    } catch {
      // Another starting job removed it first, or it is not ours to remove.
    }
  }
  return removed;
}

/**
 * A private folder (mode 0700) for one job's sockets and reports, named after this process
 * (pid, start time, pid space). Folders that owners killed before they could clean up are removed first.
 */
export function makeJobDir(): string {
  const base = jobDirBase();
  removeStaleJobDirs(base);
  return mkdtempSync(join(base, `ranks-${process.pid}-${startTime(process.pid) ?? 0}-${pidSpace()}-`));
}

export function removeJobDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
