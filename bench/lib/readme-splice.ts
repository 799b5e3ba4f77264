// A full run of one family (`--only <family>` without --quick) updates README.md in place:
// that family's summary rows and its section are replaced (or added), the other families
// stay as the last full run wrote them, and the header says which family was measured since.
import { familySection, summaryTable, type RunInfo } from './readme.ts';
import type { SummaryRow } from './types.ts';

const HOW = '## How it is measured';

/** `old` (a README.md that readme() wrote) with `run`'s families spliced in. */
export function spliceReadme(old: string, run: RunInfo): string {
  let lines = old.split('\n');
  for (const f of run.families) {
    lines = spliceRows(lines, f.rows);
    lines = spliceSection(lines, f.family, familySection(f));
    lines = spliceNote(lines, f.family, note(f.family, run));
  }
  return lines.join('\n');
}

/** The first cell of a table line: the benchmark, as markdownTable escaped it. */
function firstCell(line: string): string {
  return line.slice(2).split(' | ')[0] ?? '';
}

// A family's rows are the ones whose benchmark it measures now; they are replaced where
// the first of them stood, or added at the end of the table.
function spliceRows(lines: string[], rows: SummaryRow[]): string[] {
  const head = lines.indexOf('## Summary');
  if (head < 0) throw new Error('README.md has no "## Summary" table to update; run the full `npm run bench` once');
  let start = head + 1;
  while (start < lines.length && !lines[start]!.startsWith('|')) start++;
  let end = start;
  while (end < lines.length && lines[end]!.startsWith('|')) end++;
  const fresh = summaryTable(rows).split('\n').slice(2);
  const names = new Set(fresh.map(firstCell));
  const body = lines.slice(start + 2, end);
  const at = body.findIndex((l) => names.has(firstCell(l)));
  const kept = body.filter((l) => !names.has(firstCell(l)));
  kept.splice(at < 0 ? kept.length : at, 0, ...fresh);
  return [...lines.slice(0, start + 2), ...kept, ...lines.slice(end)];
}

// `## <family>` up to the next `## ` heading; a new family goes before the method notes.
function spliceSection(lines: string[], family: string, block: string): string[] {
  const fresh = `${block}\n`.split('\n');
  const start = lines.indexOf(`## ${family}`);
  if (start < 0) {
    const how = lines.indexOf(HOW);
    const at = how < 0 ? lines.length : how;
    return [...lines.slice(0, at), ...fresh, ...lines.slice(at)];
  }
  let end = start + 1;
  while (end < lines.length && !lines[end]!.startsWith('## ')) end++;
  return [...lines.slice(0, start), ...fresh, ...lines.slice(end)];
}

function note(family: string, run: RunInfo): string {
  const m = run.machine;
  return `- ${family}: measured since by \`${run.command}\` on ${m.date}, ${Math.round(run.seconds)} s, load ${m.loadAtStart.join(', ')} / ${run.loadAtEnd.join(', ')}, ranks ${m.ranks}`;
}

// The header's list ends with `- ranks: ...` and then one line per family measured since.
function spliceNote(lines: string[], family: string, line: string): string[] {
  const ranks = lines.findIndex((l) => l.startsWith('- ranks: '));
  if (ranks < 0) return lines;
  let end = ranks + 1;
  while (end < lines.length && lines[end]!.startsWith('- ')) end++;
  const mine = lines.slice(ranks + 1, end).findIndex((l) => l.startsWith(`- ${family}: measured since`));
  const at = mine < 0 ? end : ranks + 1 + mine;
  return [...lines.slice(0, at), line, ...lines.slice(mine < 0 ? at : at + 1)];
}
