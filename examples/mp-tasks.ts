// Task functions of the multiprocessing examples (mp-*.ts). They run in processes and pool
// workers of their own, so they live in a module: the examples reference them with tasks().
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Connection, Queue } from 'ranks';

const run = promisify(execFile);

/** Seed 000's thread worker function. */
export function worker(num: number): void {
  console.log('Worker:', num);
}

/** Seed 001's Pool(5).map target. */
export function f(x: number): number {
  return x * x;
}

/** Seed 002's `f(name)`. */
export function hello(name: string): void {
  console.log('hello', name);
}

/** Seed 002's `f(q)`: puts one item on the queue. */
export async function putHello(q: Queue<unknown>): Promise<void> {
  await q.put([42, null, 'hello']);
}

/** Seed 002's `f(conn)`: sends one item down the pipe and closes its end. */
export async function sendHello(conn: Connection<unknown>): Promise<void> {
  await conn.send([42, null, 'hello']);
  conn.close();
}

/**
 * Seed 000's queue worker: runs a command on every input named on the queue, until its
 * poison pill. The seed runs `./mmul.x < in > in.out`; `sort -n` is on every machine.
 */
export async function commands(num: number, inputQueue: Queue<string>, dir: string): Promise<void> {
  console.log('Worker:', num);
  for (let inp; (inp = await inputQueue.get()) !== 'stop';) {
    console.log(`executing ${inp}`);
    await run('sh', ['-c', 'sort -n < "$1" > "$1.out"', 'sh', inp], { cwd: dir });
  }
}
