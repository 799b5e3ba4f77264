// TypeScript twin of seed 001's Pool example: map a function over a list on 5 workers.
//
//   npx tsx examples/mp-pool-map.ts
//
// Python:  with Pool(5) as p: print(p.map(f, [1, 2, 3]))
import { Pool, tasks } from 'ranks';

const mp = tasks<typeof import('./mp-tasks.ts')>(new URL('./mp-tasks.ts', import.meta.url));

// `await using` closes the pool at the end of the block, like Python's `with`.
await using p = new Pool({ size: 5 });
console.log(await p.map(mp.f, [1, 2, 3])); // [ 1, 4, 9 ]
