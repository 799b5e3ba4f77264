// One rank of a fault trial (scripts/trials.ts). argv: kind, transport. Every rank first
// meets the others at a barrier (the job is up); then rank 1 fails in the way `kind` says
// while the others wait for it, and writes "FAULT <ms>" (synchronously: a rank killed
// next must not lose it). `deadlock`: every rank waits for the next; nobody sends.
import { writeSync } from 'node:fs';
import { world } from 'ranks';

const [kind, transport] = process.argv.slice(2);
const comm = world();
await comm.barrier();
const fault = () => writeSync(1, `FAULT ${Date.now()}\n`);

if (kind === 'deadlock') {
  if (comm.rank === 0) fault();
  await comm.recv({ source: (comm.rank + 1) % comm.size });
} else if (comm.rank === 1) {
  fault();
  if (kind === 'kill') {
    // A thread cannot be killed alone: its abrupt end is the nearest thing to kill -9.
    if (transport === 'processes') process.kill(process.pid, 'SIGKILL');
    else process.exit(137);
  } else if (kind === 'exit') {
    process.exit(3);
  } else if (kind === 'throw') {
    throw new Error('trial throw');
  } else if (kind === 'oom') {
    const hog = [];
    for (;;) hog.push(new Array(100_000).fill(Math.random()));
  } else if (kind === 'exit-awaited') {
    process.exit(0);
  }
} else if (kind === 'exit-awaited') {
  // Rank 0 waits for rank 1, which ends cleanly; the others have nothing more to do.
  if (comm.rank === 0) await comm.recv({ source: 1 });
} else {
  await comm.recv({ source: 1 });
}
