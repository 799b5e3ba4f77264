// The job's folder of parts: each rank writes `rank-<lane>.json` there as it ends (rank.ts);
// whoever ends the job (the launcher, or under mpiexec the rank whose part completes the
// folder) reads them all and writes the trace file and the profile.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toChrome, type JobOutcome } from './collect.ts';
import type { Part } from './events.ts';
import { printProfile } from './format-profile.ts';
import { profileOf } from './profile.ts';

/** The file of lane `lane`'s part. */
export function partFile(dir: string, lane: number): string {
  return join(dir, `rank-${lane}.json`);
}

/** Where a launcher leaves why it stops the ranks (read by a rank's SIGTERM handler). */
export function reasonFile(dir: string): string {
  return join(dir, 'reason');
}

/** Every part in `dir` (of job `job` when given); a part cut short as it was written is skipped. */
export function readParts(dir: string, job?: string): Part[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const parts: Part[] = [];
  for (const name of names) {
    if (!/^rank-\d+\.json$/.test(name)) continue;
    try {
      const p = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Part;
      if (job === undefined || p.job === job) parts.push(p);
    } catch {
      // a part cut short: the rank was killed while writing it
    }
  }
  return parts.sort((a, b) => a.rank - b.rank);
}

/** Where the job's trace and profile go (either may be absent). */
export interface Outputs {
  /** The trace file. */
  trace: string | undefined;
  /** `text` (stderr), `json` (stderr) or a `.json` file. */
  profile: string | undefined;
}

/** Writes the trace and the profile of `parts`. */
export function writeOutputs(parts: readonly Part[], outcome: JobOutcome, out: Outputs): void {
  if (out.trace !== undefined) writeFileSync(out.trace, JSON.stringify(toChrome(parts, outcome)));
  if (out.profile !== undefined) printProfile(profileOf(parts), out.profile);
}

/**
 * Under mpiexec (or in a plain script): once `part` completes the folder (every rank of its
 * job has written one), one rank — the one that makes the lock file first — writes the
 * outputs and removes the folder. A rank killed before writing leaves the folder for
 * mergeTraceParts().
 */
export function tryMerge(dir: string, part: Part, out: Outputs): void {
  const parts = readParts(dir, part.job);
  if (parts.length < part.size) return;
  try {
    writeFileSync(join(dir, '.merging'), String(process.pid), { flag: 'wx' });
  } catch {
    return;
  }
  const failed = parts.find((p) => p.reason !== 'exit');
  writeOutputs(parts, failed ? { status: 'failed', error: `rank ${failed.rank}: ${failed.reason}` } : { status: 'ok' }, out);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Writes `trace` from the parts left in `<trace>.parts/` (a job whose ranks could not all
 * write theirs, such as one killed with SIGKILL) and removes the folder. Returns how many
 * parts it found.
 *
 * @example
 * mergeTraceParts('job.json'); // job.json from job.json.parts/
 */
export function mergeTraceParts(trace: string): number {
  const dir = `${trace}.parts`;
  if (!existsSync(dir)) return 0;
  const parts = readParts(dir);
  const failed = parts.find((p) => p.reason !== 'exit');
  writeOutputs(
    parts,
    { status: failed || parts.length < (parts[0]?.size ?? 0) ? 'failed' : 'ok', error: failed && `rank ${failed.rank}: ${failed.reason}` },
    { trace, profile: undefined },
  );
  rmSync(dir, { recursive: true, force: true });
  return parts.length;
}
