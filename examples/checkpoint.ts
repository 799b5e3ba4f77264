// Checkpoint and restart through one shared file: each rank writes its block of a
// distributed array with one collective writeAtAll, then (as a restarted job with a
// different decomposition would) every rank reads a different rank's block back and
// checks it.
//
//   ranks run -n 4 examples/checkpoint.ts [elements-per-rank] [file]
//
// The same script runs under mpiexec (MPI_File_write_at_all), and the file it leaves is
// plain doubles in rank order: numpy.fromfile(path) or mpi4py's MPI.File read it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { File, MODE_CREATE, MODE_RDONLY, MODE_WRONLY, world } from 'ranks';

const comm = world();
const n = Number(process.argv[2] ?? 1_000_000);
const keep = process.argv[3];
const scratch = keep ? undefined : await comm.bcast<string>(comm.rank === 0 ? mkdtempSync(join(tmpdir(), 'checkpoint-')) : undefined, 0);
const path = keep ?? join(scratch!, 'state.f64');

// This rank's part of the global array: element g holds g * 0.5.
const start = comm.rank * n;
const block = Float64Array.from({ length: n }, (_, i) => (start + i) * 0.5);

// Checkpoint: one collective write; offsets count doubles after setView.
const out = await File.open(comm, path, MODE_CREATE | MODE_WRONLY);
await out.setView({ etype: Float64Array });
await out.writeAtAll(start, block);
await out.close();

// Restart: every rank takes the block of the rank after it.
const from = (comm.rank + 1) % comm.size;
const back = new Float64Array(n);
const fh = await File.open(comm, path, MODE_RDONLY);
await fh.setView({ etype: Float64Array });
const got = await fh.readAtAll(from * n, back);
const bytes = await fh.getSize();
await fh.close();

for (let i = 0; i < n; i++) {
  if (back[i] !== (from * n + i) * 0.5) throw new Error(`rank ${comm.rank}: element ${from * n + i} is ${back[i]}`);
}
console.log(`rank ${comm.rank} restored the ${got} elements of rank ${from} from a ${bytes}-byte checkpoint`);
await comm.barrier();
if (scratch && comm.rank === 0) rmSync(scratch, { recursive: true, force: true });
