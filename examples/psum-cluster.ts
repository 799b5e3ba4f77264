// The seeds' IPython parallel session (003, `ipcluster start -n 4` and `psum`), driven from
// a script: start engines, define psum on every engine, push the array, scatter it, run the
// Allreduce on the engines, pull the result.
//
//   npx tsx examples/psum-cluster.ts [engines] [threads|processes] [length]
//
// IPython parallel:                          ranks:
//   rc = ipp.Cluster(n=4).start_and_connect_sync()  await using cluster = await Cluster.start({ n: 4 })
//   view = rc[:]                               const view = cluster.view()
//   view.push(dict(a=a))                       await view.push({ a })
//   view.scatter('part', a)                    await view.scatter('part', a)
//   %px total = psum(part)                     await view.execute('const total = await psum(part)')
//   view.pull('total')                         await view.pull('total')
import { Cluster } from 'ranks';

const n = Number(process.argv[2] ?? 4);
const transport = (process.argv[3] ?? 'threads') as 'threads' | 'processes';
const length = Number(process.argv[4] ?? 1000);

await using cluster = await Cluster.start({ n, transport });
const view = cluster.view();

// Defined once on every engine; it stays there for later inputs (`comm` and `ranks` are the engine's).
await view.execute(`
async function psum(a) {
  let local = 0;
  for (const x of a) local += x;
  return comm.allreduce(local, ranks.SUM);
}`);

const a = Float64Array.from({ length }, (_, i) => i);
// push: every engine gets the whole array; scatter: each gets a contiguous part of it.
await view.push({ a });
await view.scatter('part', a);
const parts = await view.execute('console.log(`engine ${rank}: ${part.length} of ${a.length} elements`); part.length');
for (const r of parts) process.stdout.write(r.stdout);

await view.execute('const total = await psum(part)');
const totals = await view.pull<number>('total');
console.log(`psum on ${cluster.size} ${transport} engines: ${totals.join(', ')} (expected ${(length * (length - 1)) / 2})`);

// The parts come back together in engine order.
const back = await view.gather<Float64Array>('part');
console.log(`gathered ${back.length} elements, same as scattered: ${back.every((x, i) => x === a[i])}`);
