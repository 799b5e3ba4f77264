// The cost of the collectives' agreement step (see the README's collectives section):
// `npm run build && cd bench && npm install && node --import tsx agree.ts [iters] [repeats]` runs lib/agree-ranks.ts on
// the threads transport with 2 and 4 ranks, with the agreement (the default) and without
// it (RANKS_CHECK_COLLECTIVES=0), and prints a markdown table of medians (min–max).
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TRIALS = 3;

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'bin', 'ranks.js');
const [iters = '2000', repeats = '7'] = process.argv.slice(2);

function run(size: number, agree: boolean): Record<string, number[]> {
  const env = { ...process.env, RANKS_CHECK_COLLECTIVES: agree ? '1' : '0' };
  const r = spawnSync(process.execPath, [cli, 'run', '-n', String(size), join(here, 'lib', 'agree-ranks.ts'), iters, repeats], {
    env,
    encoding: 'utf8',
    timeout: 600_000,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) throw new Error(`ranks run -n ${size} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as Record<string, number[]>;
}

const fmt = (xs: number[]): string => `${xs[xs.length >> 1]!.toFixed(2)} (${xs[0]!.toFixed(2)}–${xs[xs.length - 1]!.toFixed(2)})`;
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}; ${iters} operations per sample, ${repeats} samples per run, 3 runs of each setting, alternating; µs per operation, median (min–max)\n`,
);
console.log('| operation | ranks | with agreement (default) | RANKS_CHECK_COLLECTIVES=0 | ratio of medians | ratio of minima |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const size of [2, 4]) {
  // Alternate the two settings, several times, so that a change of load hits both alike.
  const on: Record<string, number[]> = {};
  const off: Record<string, number[]> = {};
  for (let t = 0; t < TRIALS; t++) {
    for (const [into, agree] of [
      [on, true],
      [off, false],
    ] as const) {
      for (const [name, xs] of Object.entries(run(size, agree))) (into[name] ??= []).push(...xs);
    }
  }
  for (const xs of [...Object.values(on), ...Object.values(off)]) xs.sort((a, b) => a - b);
  for (const name of Object.keys(on)) {
    const a = on[name]!;
    const b = off[name]!;
    const ratio = a[a.length >> 1]! / b[b.length >> 1]!;
    console.log(`| ${name} | ${size} | ${fmt(a)} | ${fmt(b)} | ${ratio.toFixed(2)}x | ${(a[0]! / b[0]!).toFixed(2)}x |`);
  }
}
console.log(
  `\nload average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}`,
);
