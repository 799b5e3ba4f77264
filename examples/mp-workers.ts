// TypeScript twin of seed 000's first multiprocessing example: five processes, each
// running `worker(i)`, then joined.
//
//   npx tsx examples/mp-workers.ts
//
// Python:  p = mp.Process(target=worker, args=(i,)); jobs.append(p); p.start()
import { Process, tasks } from 'ranks';

const mp = tasks<typeof import('./mp-tasks.ts')>(new URL('./mp-tasks.ts', import.meta.url));

const jobs: Process[] = [];
for (let i = 0; i < 5; i++) {
  const p = new Process({ target: mp.worker, args: [i] });
  jobs.push(p);
  p.start();
}
for (const p of jobs) await p.join();
console.log(`joined ${jobs.map((p) => `${p.name} (exit code ${p.exitCode})`).join(', ')}`);
