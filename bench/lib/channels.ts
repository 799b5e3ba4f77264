// Which local channel should carry the processes transport? A raw ping-pong between this
// process and a child over each channel Node offers without native code, with the
// same framing work ranks does (length-prefixed messages reassembled from 'data' chunks).
// Run: cd bench && node --import tsx lib/channels.ts   (prints one JSON line per channel)
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Socket, createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import { constants, openSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/** One end of a FIFO opened without blocking (O_RDWR never waits for the other end) as a socket-like stream. */
function fifo(path: string, reading: boolean): Socket {
  return new Socket({ fd: openSync(path, constants.O_RDWR | constants.O_NONBLOCK), readable: reading, writable: !reading });
}

const SMALL = 8;
const LARGE = 8 << 20;

/** Calls `onMessage` with each whole length-prefixed message read from `stream`. */
function frames(stream: Duplex, onMessage: (m: Buffer) => void): void {
  let parts: Buffer[] = [];
  let have = 0;
  let need = -1;
  stream.on('data', (chunk: Buffer) => {
    parts.push(chunk);
    have += chunk.length;
    for (;;) {
      if (need < 0) {
        if (have < 4) return;
        const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
        need = all.readUInt32LE(0);
        parts = [all.subarray(4)];
        have -= 4;
      }
      if (have < need) return;
      const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      onMessage(all.subarray(0, need));
      parts = [all.subarray(need)];
      have -= need;
      need = -1;
    }
  });
}

function send(stream: Duplex, payload: Uint8Array): void {
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32LE(payload.length, 0);
  stream.cork();
  stream.write(head);
  stream.write(payload);
  stream.uncork();
}

/** The child: echoes every message back on the same stream. */
function echo(stream: Duplex): void {
  frames(stream, (m) => send(stream, m));
}

async function pingpong(stream: Duplex, bytes: number, n: number): Promise<number> {
  const payload = new Uint8Array(bytes);
  let left = n;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  frames(stream, () => (--left === 0 ? done() : send(stream, payload)));
  const t0 = performance.now();
  send(stream, payload);
  await finished;
  stream.removeAllListeners('data');
  return (performance.now() - t0) / n / 2;
}

async function measure(name: string, open: () => { stream: Duplex; close: () => void } | Promise<{ stream: Duplex; close: () => void }>): Promise<void> {
  const best = (xs: number[]): number => Math.min(...xs);
  const lat: number[] = [];
  const bw: number[] = [];
  const { stream, close } = await open();
  await pingpong(stream, SMALL, 2000);
  for (let r = 0; r < 5; r++) lat.push(await pingpong(stream, SMALL, 5000));
  for (let r = 0; r < 5; r++) bw.push(await pingpong(stream, LARGE, 20));
  close();
  console.log(JSON.stringify({ channel: name, latencyMicros: +(best(lat) * 1000).toFixed(2), bandwidthGBs: +(LARGE / (best(bw) / 1000) / 1e9).toFixed(2) }));
}

function child(mode: string, arg: string): ChildProcess {
  return fork(new URL(import.meta.url), ['child', mode, arg], { stdio: ['pipe', 'pipe', 'inherit', 'ipc'], execArgv: ['--import', 'tsx'] });
}

function listen(server: Server, at: string | number): Promise<void> {
  return new Promise((r) => server.listen(at as never, r));
}

async function viaServer(mode: 'unix' | 'tcp', at: string | number): Promise<{ stream: Duplex; close: () => void }> {
  const server = createServer();
  await listen(server, at);
  const address = mode === 'unix' ? String(at) : String((server.address() as { port: number }).port);
  const c = child(mode, address);
  const socket = await new Promise<Socket>((r) => server.once('connection', r));
  return { stream: socket, close: () => (c.kill(), server.close()) };
}

if (process.argv[2] === 'child') {
  const [mode, arg] = process.argv.slice(3);
  if (mode === 'fifo') {
    const io = Duplex.from({ readable: fifo(join(arg!, 'down'), true), writable: fifo(join(arg!, 'up'), false) });
    io.on('error', () => {});
    echo(io);
  } else if (mode === 'pipe') frames(process.stdin, (m) => send(process.stdout as unknown as Duplex, m));
  else echo(mode === 'unix' ? connect(arg!) : connect(Number(arg), '127.0.0.1'));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'ranks-ch-'));
  await measure('unix domain socket', () => viaServer('unix', join(dir, 's.sock')));
  await measure('tcp loopback', () => viaServer('tcp', 0));
  await measure('stdio pipe (socketpair)', () => {
    const c = child('pipe', '');
    const stream = Duplex.from({ readable: c.stdout!, writable: c.stdin! });
    stream.on('error', () => {});
    return { stream, close: () => c.kill() };
  });
  await measure('named pipes (two FIFOs)', () => {
    const [up, down] = [join(dir, 'up'), join(dir, 'down')];
    execFileSync('mkfifo', [up, down]);
    const c = child('fifo', dir);
    const stream = Duplex.from({ readable: fifo(up, true), writable: fifo(down, false) });
    stream.on('error', () => {});
    return { stream, close: () => c.kill() };
  });
  rmSync(dir, { recursive: true, force: true });
}
