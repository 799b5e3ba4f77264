// `--load N`: N busy-loop processes that run during every measurement of the run (ranks and
// its peers alike), and the load averages sampled meanwhile, so a loaded run says how loaded
// the machine was. Its summary goes into README.md beside the quiet figures (between the
// load markers); its full tables go to results/load.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { summaryTable, type RunInfo } from './readme.ts';

export interface Load {
  /** Busy-loop processes running. */
  readonly n: number;
  /** 1-minute load averages sampled every 5 s while the loops ran. */
  readonly samples: number[];
  stop(): void;
}

/** Starts `n` busy-loop processes (each spins one core flat out) until stop() or this process exits. */
export function startLoad(n: number): Load {
  const children: ChildProcess[] = [];
  for (let i = 0; i < n; i++) children.push(spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
  const samples: number[] = [];
  const sample = (): void => void samples.push(Math.round(loadavg()[0]! * 100) / 100);
  const timer = setInterval(sample, 5000);
  timer.unref();
  const stop = (): void => {
    clearInterval(timer);
    for (const c of children.splice(0)) c.kill('SIGKILL');
  };
  process.once('exit', stop);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      stop();
      process.exit(130);
    });
  }
  return { n, samples, stop };
}

/** min, median and max of the sampled load averages, as text. */
export function describeSamples(samples: readonly number[]): string {
  if (samples.length === 0) return 'no sample (the run took under 5 s)';
  const s = [...samples].sort((a, b) => a - b);
  return `min ${s[0]}, median ${s[Math.floor(s.length / 2)]}, max ${s[s.length - 1]} (${s.length} samples, every 5 s)`;
}

/** The README section of a loaded run: its summary, beside the quiet run's above. */
export function loadSection(run: RunInfo, load: Load): string {
  const m = run.machine;
  return [
    '<!-- load:start -->',
    `## Under load (--load ${load.n})`,
    '',
    `${load.n} busy-loop processes (\`node -e 'for (;;) {}'\`) ran during every measurement of this run, ranks and peers alike;`,
    'the goals are judged on figures measured side by side in this same loaded run. Full tables: results/load.md.',
    '',
    `- Date: ${m.date}`,
    `- Command: \`${run.command}\`${run.quick ? ' (quick run: fewer, shorter repeats)' : ''}, ${Math.round(run.seconds)} s`,
    `- Load average at start / end: ${m.loadAtStart.join(', ')} / ${run.loadAtEnd.join(', ')}`,
    `- 1-minute load average during the run: ${describeSamples(load.samples)}`,
    `- ranks: ${m.ranks}`,
    '',
    summaryTable(run.families.flatMap((f) => f.rows)),
    '<!-- load:end -->',
  ].join('\n');
}

/** `old` README.md with the load section replaced, or added before the method notes. */
export function spliceLoad(old: string, section: string): string {
  const marked = /<!-- load:start -->[\s\S]*<!-- load:end -->/;
  if (marked.test(old)) return old.replace(marked, section);
  const how = old.indexOf('## How it is measured');
  return how < 0 ? `${old.trimEnd()}\n\n${section}\n` : `${old.slice(0, how)}${section}\n\n${old.slice(how)}`;
}
