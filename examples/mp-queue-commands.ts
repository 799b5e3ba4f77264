// TypeScript twin of seed 000's task farm: input names go on a Queue with one poison pill
// per worker, and four processes each run a command on the inputs they take.
//
//   npx tsx examples/mp-queue-commands.ts
//
// Python:  for inp in iter(input_queue.get, 'stop'): os.popen('./mmul.x < '+inp+' >'+inp+'.out')
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Process, Queue, tasks } from 'ranks';

const mp = tasks<typeof import('./mp-tasks.ts')>(new URL('./mp-tasks.ts', import.meta.url));

// The inputs: in0..in3, a few numbers each, in a fresh directory.
const dir = await mkdtemp(join(tmpdir(), 'ranks-farm-'));
for (let i = 0; i < 4; i++) await writeFile(join(dir, `in${i}`), [3, 1, 2].map((x) => x * (i + 1)).join('\n') + '\n');

const inputQueue = new Queue<string>(); // queue to allow IPC
for (let i = 0; i < 4; i++) await inputQueue.put(`in${i}`); // the queue holds the names of the inputs
for (let i = 0; i < 4; i++) await inputQueue.put('stop'); // a poison pill for each process

const jobs: Process[] = [];
for (let i = 0; i < 4; i++) {
  const p = new Process({ target: mp.commands, args: [i, inputQueue, dir] });
  jobs.push(p);
  p.start();
}
for (const p of jobs) await p.join();

for (let i = 0; i < 4; i++) console.log(`in${i}.out: ${(await readFile(join(dir, `in${i}.out`), 'utf8')).trim().split('\n').join(' ')}`);
await rm(dir, { recursive: true });
