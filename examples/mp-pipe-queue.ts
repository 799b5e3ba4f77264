// TypeScript twin of seed 002's Process, Queue and Pipe examples: a process says hello,
// then hands an item back over a Queue, then over a Pipe.
//
//   npx tsx examples/mp-pipe-queue.ts
import { Pipe, Process, Queue, tasks } from 'ranks';

const mp = tasks<typeof import('./mp-tasks.ts')>(new URL('./mp-tasks.ts', import.meta.url));

// Python:  p = Process(target=f, args=('bob',)); p.start(); p.join()
const p = new Process({ target: mp.hello, args: ['bob'] });
p.start();
await p.join();

// Python:  q = Queue(); p = Process(target=f, args=(q,)); ...; print(q.get())
const q = new Queue<unknown>();
const pq = new Process({ target: mp.putHello, args: [q] });
pq.start();
console.log('from the queue:', await q.get()); // [ 42, null, 'hello' ]
await pq.join();

// Python:  parent_conn, child_conn = Pipe(); p = Process(target=f, args=(child_conn,)); ...; print(parent_conn.recv())
const [parentConn, childConn] = Pipe();
const pp = new Process({ target: mp.sendHello, args: [childConn] });
pp.start();
console.log('from the pipe:', await parentConn.recv()); // [ 42, null, 'hello' ]
await pp.join();
