// The profile for people (a table on stderr) or for programs (JSON on stderr, or a file).
import { writeFileSync } from 'node:fs';
import type { Profile } from './profile.ts';

const fixed = (n: number, d = 1): string => n.toFixed(d);

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${fixed(n / 1024)} KiB`;
  if (n < 1024 ** 3) return `${fixed(n / 1024 ** 2)} MiB`;
  return `${fixed(n / 1024 ** 3)} GiB`;
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')).join('\n');
}

/** The profile as text: per rank, the longest waits, the communication matrix. */
export function formatProfile(p: Profile): string {
  const lines = [`ranks profile: ${p.ranks.length} of ${p.size} ranks (${p.transport})`, ''];
  const head = ['rank', 'wall ms', 'send ms', 'recv ms', 'wait ms', 'coll ms', 'task ms', 'sent', 'sent bytes', 'recvd', 'recvd bytes', 'end'];
  const rows = p.ranks.map((r) => [
    r.label,
    fixed(r.wallMs),
    fixed(r.timeMs.send ?? 0),
    fixed(r.timeMs.recv ?? 0),
    fixed(r.timeMs.wait ?? 0),
    fixed(r.timeMs.coll ?? 0),
    fixed(r.timeMs.task ?? 0),
    String(r.sent.messages),
    bytes(r.sent.bytes),
    String(r.received.messages),
    bytes(r.received.bytes),
    r.reason,
  ]);
  lines.push(table([head, ...rows]), '');
  const colls = p.ranks.flatMap((r) => Object.entries(r.collectives).map(([name, c]) => [r.label, name, String(c.calls), fixed(c.ms), bytes(c.bytes)]));
  if (colls.length) lines.push('collectives:', table([['rank', 'call', 'calls', 'ms', 'bytes'], ...colls]), '');
  if (p.longestWaits.length) {
    lines.push('longest waits:');
    for (const w of p.longestWaits) {
      const peer = w.peer !== undefined ? ` peer ${w.peer}` : '';
      const tag = w.tag !== undefined ? ` tag ${w.tag}` : '';
      lines.push(`  rank ${w.rank}  ${w.call}${peer}${tag}  ${fixed(w.ms, 3)} ms${w.unfinished ? ' (unfinished)' : ''}${w.site ? `  at ${w.site}` : ''}`);
    }
    lines.push('');
  }
  lines.push('communication matrix (bytes, from row to column):');
  const n = p.matrix.bytes.length;
  lines.push(table([['from\\to', ...Array.from({ length: n }, (_, j) => String(j))], ...p.matrix.bytes.map((row, i) => [String(i), ...row.map(String)])]));
  return lines.join('\n') + '\n';
}

/** Prints `p` as `mode` says: `text` or `json` on stderr, or JSON into the file `mode`. */
export function printProfile(p: Profile, mode: string): void {
  if (mode === 'text') process.stderr.write(formatProfile(p));
  else if (mode === 'json') process.stderr.write(JSON.stringify(p) + '\n');
  else writeFileSync(mode, JSON.stringify(p, null, 2) + '\n');
}
