// The seeds' task farm (seed 000): workers each run `./mmul.x < in > in.out` over a queue
// of input files, stopped by poison pills. With ranks it is one call — no queue, no pills:
// farm() runs the shell command over the inputs, a few at a time, on a pool.
//
//   node --import tsx examples/farm-kernel.ts [inputs] [jobs]
//
// The same from a shell, once the inputs exist:
//   ranks farm -j 4 'sh examples/mmul.sh < {} > {}.out' in0 in1 in2 in3
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { farm, shellQuote } from 'ranks';

const count = Number(process.argv[2] ?? 8);
const jobs = Number(process.argv[3] ?? 4);
const kernel = fileURLToPath(new URL('./mmul.sh', import.meta.url));

// The inputs: one file per job, "n seed", as the seed's in0..in3.
const dir = mkdtempSync(join(tmpdir(), 'ranks-farm-'));
const inputs: string[] = [];
for (let i = 0; i < count; i++) {
  const file = join(dir, `in${i}`);
  writeFileSync(file, `${20 + 5 * i} ${i + 2}\n`);
  inputs.push(file);
}

// What the kernel computes, to check its output: the trace of A·B.
function trace(n: number, s: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) t += ((i * s + k) % 7) * ((i * s + k) % 5);
  return t;
}

try {
  const r = await farm(`sh ${shellQuote(kernel)} < {} > {}.out`, inputs, { jobs });
  let good = 0;
  for (const job of r.jobs) {
    const [n, s] = readFileSync(job.input, 'utf8').trim().split(' ').map(Number) as [number, number];
    const out = readFileSync(`${job.input}.out`, 'utf8').trim();
    const ok = job.ok && out === `n=${n} seed=${s} trace=${trace(n, s)}`;
    if (ok) good++;
    console.log(`job ${job.job}: in${job.job - 1} -> ${out} (${job.seconds.toFixed(3)} s)${ok ? '' : ' WRONG'}`);
  }
  console.log(`${good} of ${count} kernel runs correct, ${r.failed} failed, ${jobs} at a time`);
  process.exitCode = r.exitCode || (good === count ? 0 : 1);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
