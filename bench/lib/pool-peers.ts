// The Node.js peers of the pool family: piscina, tinypool, workerpool and poolifier, each
// with 2 worker threads and used as its docs advise for throughput (many concurrent
// run/exec/execute calls, then await them all), and the sequential round trip of one call.
// Run as `node --import tsx pool-peers.ts <peer> <pool plan args>`; prints JSON. A peer
// that is not installed prints `{ notRun }` instead of figures, and is never estimated.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { roundTrip, throughput } from './pool-measure.ts';
import { POOL_WORKERS, parsePoolPlanArgs } from './pool-plan.ts';
import type { PoolOutput } from './types.ts';

/** One peer pool, reduced to what the measurements need. */
interface Peer {
  /** The API the figures measure, e.g. 'run' (the variant's name in the tables). */
  api: string;
  call(a: number, b: number): Promise<number>;
  close(): Promise<unknown>;
}

type Ctor<T> = new (...args: never[]) => T;
interface RunPool {
  run(task: { a: number; b: number }): Promise<number>;
  destroy(): Promise<void>;
}

const worker = (name: string): string => fileURLToPath(new URL(`./pool-worker-${name}.mjs`, import.meta.url));

/** A peer's module, from bench/node_modules; `{ default }` unwrapped for CommonJS packages. */
async function load<M>(name: string): Promise<M> {
  const mod = (await import(name)) as M & { default?: M };
  return { ...mod.default, ...mod } as M;
}

const PEERS: Record<string, () => Promise<Peer>> = {
  async piscina() {
    const { Piscina } = await load<{ Piscina: Ctor<RunPool> }>('piscina');
    const options = { filename: worker('plain'), minThreads: POOL_WORKERS, maxThreads: POOL_WORKERS, idleTimeout: 60_000 };
    const pool = new Piscina(options as never);
    return { api: 'run', call: (a, b) => pool.run({ a, b }), close: () => pool.destroy() };
  },
  async tinypool() {
    const { Tinypool } = await load<{ Tinypool: Ctor<RunPool> }>('tinypool');
    const options = { filename: worker('plain'), minThreads: POOL_WORKERS, maxThreads: POOL_WORKERS, idleTimeout: 60_000 };
    const pool = new Tinypool(options as never);
    return { api: 'run', call: (a, b) => pool.run({ a, b }), close: () => pool.destroy() };
  },
  async workerpool() {
    interface WorkerPool {
      exec(method: string, args: unknown[]): Promise<number>;
      terminate(): Promise<unknown>;
    }
    const wp = await load<{ pool(script: string, options: object): WorkerPool }>('workerpool');
    const pool = wp.pool(worker('workerpool'), { minWorkers: POOL_WORKERS, maxWorkers: POOL_WORKERS, workerType: 'thread' });
    return { api: 'exec', call: (a, b) => pool.exec('add', [a, b]), close: () => pool.terminate() };
  },
  async poolifier() {
    interface FixedPool {
      execute(data: { a: number; b: number }): Promise<number>;
      destroy(): Promise<void>;
    }
    const { FixedThreadPool } = await load<{ FixedThreadPool: Ctor<FixedPool> }>('poolifier');
    const pool = new FixedThreadPool(POOL_WORKERS as never, worker('poolifier') as never);
    return { api: 'execute', call: (a, b) => pool.execute({ a, b }), close: () => pool.destroy() };
  },
};

/** The installed version of `name`, read from its package.json in bench/node_modules. */
function version(name: string): string {
  const file = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '?';
}

function isMissing(err: unknown, name: string): boolean {
  const e = err as { code?: string; message?: string };
  return (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') && String(e.message).includes(`'${name}'`);
}

const [name = '', ...args] = process.argv.slice(2);
const make = PEERS[name];
if (!make) throw new Error(`Expected a peer (${Object.keys(PEERS).join(', ')}), got ${JSON.stringify(name)}`);
const plan = parsePoolPlanArgs(args);

let peer: Peer;
try {
  peer = await make();
} catch (err) {
  if (!isMissing(err, name)) throw err;
  const out: PoolOutput = { notRun: `${name} is not installed (npm install --prefix bench ${name})`, throughput: [], roundTrip: [] };
  console.log(JSON.stringify(out));
  process.exit(0);
}
const out: PoolOutput = { library: `${name} ${version(name)}, ${POOL_WORKERS} worker threads, Node.js ${process.version}`, throughput: [], roundTrip: [] };
try {
  out.throughput.push(
    await throughput(peer.api, plan, async (n) => {
      const pending: Promise<number>[] = [];
      for (let i = 0; i < n; i++) pending.push(peer.call(i, 1));
      await Promise.all(pending);
    }),
  );
  out.roundTrip.push(
    await roundTrip(peer.api, plan, async (n) => {
      for (let i = 0; i < n; i++) await peer.call(i, 1);
    }),
  );
} finally {
  await peer.close();
}
console.log(JSON.stringify(out));
