// The peer of the p2p family: what Node users do today. Two worker threads joined by a
// MessageChannel ping-pong a Uint8Array with postMessage (a structured-clone copy each way),
// driven by the event loop (port.on('message')). Run as a plain script; prints JSON.
import { MessageChannel, Worker, isMainThread, parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { measureAll, now } from './measure.ts';
import { parsePlanArgs, type Plan } from './plan.ts';
import type { PingPongOutput, SizeSamples } from './types.ts';

const STOP = 'stop';

interface Init {
  /** This module, for ts-worker.mjs to import. */
  script: string;
  role: 0 | 1;
  port: MessagePort;
  plan: Plan;
}

/** The pong side: echoes every message back (cloned again) until told to stop. */
function pong(port: MessagePort): void {
  port.on('message', (m: unknown) => {
    if (m === STOP) port.close();
    else port.postMessage(m);
  });
}

/** The ping side: measures every size, then tells the pong side to stop. */
async function ping(port: MessagePort, plan: Plan): Promise<SizeSamples[]> {
  let left = 0;
  let t0 = 0;
  let buf = new Uint8Array(0);
  let done: (seconds: number) => void = () => {};
  port.on('message', () => {
    if (--left > 0) port.postMessage(buf);
    else done(now() - t0);
  });
  const sizes = await measureAll(
    plan,
    (bytes, n) =>
      new Promise<number>((resolve) => {
        if (buf.length !== bytes) buf = new Uint8Array(bytes);
        left = n;
        done = resolve;
        t0 = now();
        port.postMessage(buf);
      }),
  );
  port.postMessage(STOP);
  port.close();
  return sizes;
}

async function main(): Promise<void> {
  const plan = parsePlanArgs(process.argv.slice(2));
  const { port1, port2 } = new MessageChannel();
  const entry = new URL('./ts-worker.mjs', import.meta.url);
  const workers = ([0, 1] as const).map((role) => {
    const port = role === 0 ? port1 : port2;
    const init: Init = { script: import.meta.url, role, port, plan };
    return new Worker(entry, { workerData: init, transferList: [port] });
  });
  const exited = workers.map((w) => new Promise((r) => w.once('exit', r)));
  const sizes = await new Promise<SizeSamples[]>((resolve, reject) => {
    workers[0]!.once('message', resolve);
    for (const w of workers) w.once('error', reject);
  });
  await Promise.all(exited);
  const out: PingPongOutput = { library: `worker_threads MessagePort.postMessage, Node.js ${process.version}`, sizes };
  console.log(JSON.stringify(out));
}

if (isMainThread) {
  await main();
} else {
  const init = workerData as Init;
  if (init.role === 1) pong(init.port);
  else parentPort!.postMessage(await ping(init.port, init.plan));
}
