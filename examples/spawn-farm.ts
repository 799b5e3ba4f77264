// Seed 000's manager/worker task farm with dynamic processes: a manager spawns 4 workers
// (spawn-farm-worker.ts), hands each an input name whenever it asks for work, and a poison
// pill ('stop') once the inputs run out; each worker runs the seed's kernel on its inputs
// (`sh mmul.sh < in > in.out`, standing in for ./mmul.x).
//
//   ranks run -n 1 examples/spawn-farm.ts          (threads; --transport processes too)
//   mpiexec -n 1 ranks run examples/spawn-farm.ts  (MPI_Comm_spawn, Open MPI)
//
// Python (mpi4py): comm = MPI.COMM_SELF.Spawn(sys.executable, ['worker.py'], maxprocs=4)
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANY_SOURCE, Status, commSelf } from 'ranks';

const WORKERS = 4;
const INPUTS = 8;

// The inputs: in0..in7, "n seed" each, in a fresh directory.
const dir = await mkdtemp(join(tmpdir(), 'ranks-spawn-farm-'));
const inputs = Array.from({ length: INPUTS }, (_, i) => `in${i}`);
for (const [i, name] of inputs.entries()) await writeFile(join(dir, name), `${8 + 4 * i} ${i + 2}\n`);

// Spawned from COMM_SELF: this manager alone, however many ranks run it.
const workers = await commSelf().spawn(new URL('./spawn-farm-worker.ts', import.meta.url), { maxprocs: WORKERS, args: [dir] });

// Every request for work gets the next input, or a poison pill once none is left.
let next = 0;
let stopped = 0;
const status = new Status();
while (stopped < WORKERS) {
  await workers.recv({ source: ANY_SOURCE, tag: 1, status });
  const work = next < inputs.length ? inputs[next++]! : 'stop';
  if (work === 'stop') stopped++;
  await workers.send(work, status.source, { tag: 2 });
}
await workers.free();

for (const name of inputs) console.log(`${name}.out: ${(await readFile(join(dir, `${name}.out`), 'utf8')).trim()}`);
await rm(dir, { recursive: true });
