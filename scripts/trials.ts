// `npm run trials`: the fault trials and the integrity run of issue 14, by one command.
//
// Fault trials: jobs whose rank 1 is killed (kill -9), exits (process.exit(3)), throws, runs
// out of memory (a small --max-old-space-size), or ends cleanly while rank 0 waits for it,
// and jobs that deadlock; each must end on its own with the right error naming the right
// rank. Each trial is a fresh `launch()` in its own process (scripts/trials/job.mjs), so a
// hang is seen from outside and killed. Prints per kind and transport how many ended ok,
// hung or wrong, and the time from the fault to the job's end (median / max).
//
// Integrity: `--messages` random messages (sizes, tags, destinations) across
// `--integrity-size` ranks with checksums; counts lost, duplicated, corrupted, reordered.
//
// Flags: --trials 20 --size 4 --kinds kill,exit,throw,oom,deadlock,exit-awaited
//   --transports threads,processes --hang-ms 30000 --oom-mb 48 --messages 1000000
//   --integrity-size 8 --integrity-transports threads,processes --seed 1
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: flags } = parseArgs({
  options: {
    trials: { type: 'string', default: '20' },
    size: { type: 'string', default: '4' },
    kinds: { type: 'string', default: 'kill,exit,throw,oom,deadlock,exit-awaited' },
    transports: { type: 'string', default: 'threads,processes' },
    'hang-ms': { type: 'string', default: '30000' },
    'oom-mb': { type: 'string', default: '48' },
    messages: { type: 'string', default: '1000000' },
    'integrity-size': { type: 'string', default: '8' },
    'integrity-transports': { type: 'string', default: 'threads,processes' },
    seed: { type: 'string', default: '1' },
  },
});

type Transport = 'threads' | 'processes';
type Kind = 'kill' | 'exit' | 'throw' | 'oom' | 'deadlock' | 'exit-awaited';

/** What a job runner wrote: how the job ended. */
interface Result {
  ok?: boolean;
  code?: string;
  rank?: number;
  exitCode?: number;
  signal?: string;
  causeCode?: string;
  waits?: number;
  message?: string;
  start: number;
  end: number;
}

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const JOB = here('./trials/job.mjs');
const FAULT = here('./trials/fault.mjs');
const INTEGRITY = here('./trials/integrity.mjs');
const size = int('size', 2);
const trials = int('trials', 1);
const hangMs = int('hang-ms', 1000);

function int(name: keyof typeof flags, min: number): number {
  const v = Number(flags[name]);
  if (!Number.isInteger(v) || v < min) throw new RangeError(`Expected \`--${name}\` to be an integer >= ${min}, got ${flags[name]}`);
  return v;
}

const LABEL: Record<Kind, string> = {
  kill: 'kill -9',
  exit: 'exit(3)',
  throw: 'throw',
  oom: 'out of memory',
  deadlock: 'deadlock',
  'exit-awaited': 'exit while awaited',
};

/** Whether the job ended as it must for `kind`; else why not. */
function judge(kind: Kind, transport: Transport, r: Result): string | undefined {
  const failed = (rank: number): string | undefined =>
    r.code === 'ERR_RANK_FAILED' && r.rank === rank ? undefined : `expected ERR_RANK_FAILED of rank ${rank}`;
  switch (kind) {
    case 'kill':
      return (
        failed(1) ??
        (transport === 'processes'
          ? r.signal === 'SIGKILL'
            ? undefined
            : 'expected signal SIGKILL'
          : r.exitCode === 137
            ? undefined
            : 'expected exit code 137')
      );
    case 'exit':
      return failed(1) ?? (r.exitCode === 3 ? undefined : 'expected exit code 3');
    case 'throw':
      return failed(1) ?? (/trial throw/.test(r.message ?? '') ? undefined : 'expected the thrown message');
    case 'oom':
      return failed(1);
    case 'deadlock':
      return r.code === 'ERR_DEADLOCK' && r.waits === size ? undefined : `expected ERR_DEADLOCK naming ${size} waits`;
    case 'exit-awaited':
      return failed(0) ?? (r.causeCode === 'ERR_PEER_EXITED' ? undefined : 'expected the cause ERR_PEER_EXITED');
  }
}

interface Run {
  result: Result | undefined;
  fault: number | undefined;
  lines: string[];
  hung: boolean;
}

/** Runs one job in its own process group; kills the group past `limitMs`. */
function runJob(script: string, transport: Transport, ranks: number, args: string[], limitMs: number, env: NodeJS.ProcessEnv = process.env): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [JOB, script, transport, String(ranks), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env, detached: true });
    const run: Run = { result: undefined, fault: undefined, lines: [], hung: false };
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    const timer = setTimeout(() => {
      run.hung = true;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, limitMs);
    child.on('close', () => {
      clearTimeout(timer);
      for (const line of out.split('\n')) {
        if (line.startsWith('RESULT ')) run.result = JSON.parse(line.slice(7)) as Result;
        else if (line.startsWith('FAULT ') && run.fault === undefined) run.fault = Number(line.slice(6));
        else if (line) run.lines.push(line);
      }
      if (!run.result && !run.hung) run.lines.push(...err.split('\n').slice(-5));
      resolve(run);
    });
  });
}

function stats(xs: number[]): string {
  if (xs.length === 0) return '-';
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return `${Math.round(median)} / ${Math.round(s[s.length - 1]!)}`;
}

function pad(s: string | number, n: number, left = false): string {
  const t = String(s);
  return left ? t.padStart(n) : t.padEnd(n);
}

async function faultTrials(): Promise<boolean> {
  const kinds = flags.kinds.split(',') as Kind[];
  const transports = flags.transports.split(',') as Transport[];
  for (const k of kinds) if (!(k in LABEL)) throw new RangeError(`Expected \`--kinds\` to list ${Object.keys(LABEL).join(', ')}, got ${k}`);
  console.log(`fault trials: ${trials} per kind and transport, ${size} ranks per job, hang limit ${hangMs} ms`);
  console.log(
    `${pad('kind', 20)}${pad('transport', 11)}${pad('ok', 5, true)}${pad('hung', 6, true)}${pad('wrong', 7, true)}   fault→end ms (median / max)   launch→end ms (median / max)`,
  );
  let clean = true;
  for (const kind of kinds) {
    for (const transport of transports) {
      let ok = 0;
      let hung = 0;
      let wrong = 0;
      const faultToEnd: number[] = [];
      const total: number[] = [];
      const examples: string[] = [];
      const env = kind === 'oom' ? { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${flags['oom-mb']}` } : process.env;
      for (let i = 0; i < trials; i++) {
        const run = await runJob(FAULT, transport, size, [kind, transport], hangMs, env);
        const r = run.result;
        if (!r) {
          if (run.hung) hung++;
          else wrong++;
          if (examples.length < 2) examples.push(run.hung ? `hung past ${hangMs} ms` : `no result: ${run.lines.join(' | ')}`);
          continue;
        }
        total.push(r.end - r.start);
        if (run.fault !== undefined) faultToEnd.push(r.end - run.fault);
        const why = judge(kind, transport, r);
        if (why === undefined) ok++;
        else {
          wrong++;
          if (examples.length < 2) examples.push(`${why}; got ${JSON.stringify({ ...r, start: undefined, end: undefined })}`);
        }
      }
      if (hung || wrong) clean = false;
      console.log(
        `${pad(LABEL[kind], 20)}${pad(transport, 11)}${pad(ok, 5, true)}${pad(hung, 6, true)}${pad(wrong, 7, true)}   ${pad(stats(faultToEnd), 27)}   ${stats(total)}`,
      );
      for (const e of examples) console.log(`    ${e}`);
    }
  }
  return clean;
}

async function integrity(): Promise<boolean> {
  const messages = int('messages', 1);
  const ranks = int('integrity-size', 1);
  let clean = true;
  for (const transport of flags['integrity-transports'].split(',').filter(Boolean) as Transport[]) {
    const run = await runJob(INTEGRITY, transport, ranks, [String(messages), flags.seed], Math.max(600_000, messages));
    const line = run.lines.find((l) => l.startsWith('INTEGRITY '));
    if (!line || !run.result?.ok) {
      clean = false;
      console.log(`integrity ${transport}: ${run.hung ? 'hung' : 'failed'} ${JSON.stringify(run.result)} ${run.lines.slice(-3).join(' | ')}`);
      continue;
    }
    const c = JSON.parse(line.slice(10)) as Record<string, number>;
    const bad = c.lost! + c.duplicated! + c.corrupted! + c.reordered! + c.misaddressed! + Math.abs(c.sent! - c.received!);
    if (bad) clean = false;
    console.log(
      `integrity ${pad(transport, 10)} ${c.sent} messages, ${ranks} ranks: received ${c.received}, lost ${c.lost}, duplicated ${c.duplicated}, corrupted ${c.corrupted}, reordered ${c.reordered}, misaddressed ${c.misaddressed} — ${c.seconds!.toFixed(1)} s`,
    );
  }
  return clean;
}

const began = Date.now();
console.log(`ranks trials — node ${process.version}, ${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(1)}`);
const trialsClean = await faultTrials();
const integrityClean = await integrity();
console.log(`${trialsClean && integrityClean ? 'all ok' : 'FAILURES above'} (${((Date.now() - began) / 1000).toFixed(0)} s in all)`);
process.exitCode = trialsClean && integrityClean ? 0 : 1;
