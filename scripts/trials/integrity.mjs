// One rank of the integrity run (scripts/trials.ts): every rank sends its share of
// `total` messages, each to a random rank (itself included) with a random tag (0..7) and a
// random size, headed by [source, tag, seq, checksum]; seq counts per (source, dest, tag).
// Every rank receives from ANY_SOURCE / ANY_TAG until each rank's end marker is in, and
// counts what was lost, duplicated, corrupted or reordered (per source and tag, MPI's
// non-overtaking rule). Rank 0 prints one JSON line with the totals.
import { ANY_SOURCE, ANY_TAG, Status, world } from 'ranks';

const comm = world();
const [totalArg = '1000000', seedArg = '1'] = process.argv.slice(2);
const total = Number(totalArg);
const seed = Number(seedArg);
const size = comm.size;
const me = comm.rank;
const TAGS = 8;
const END = 99;
const WINDOW = 512;

/** xorshift32, one stream per (sender, purpose). */
function rng(s) {
  let x = (s * 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

function share(r) {
  return Math.floor(total / size) + (r < total % size ? 1 : 0);
}

/** Sizes: mostly small, some medium, a few large enough to go in fragments or without a copy. */
function payloadBytes(r) {
  const p = r() % 1000;
  if (p < 800) return 16 + (r() % 64);
  if (p < 990) return 80 + (r() % 1024);
  return 1024 + (r() % 150_000);
}

function checksum(bytes, from) {
  let h = 0x811c9dc5;
  for (let i = from; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619);
  return h >>> 0;
}

async function send() {
  const dests = rng(seed * 7919 + me * 104729 + 1);
  const shape = rng(seed * 31 + me * 7 + 2);
  const seq = new Uint32Array(size * TAGS);
  const sent = new Uint32Array(size);
  let window = [];
  for (let i = 0, n = share(me); i < n; i++) {
    const dest = dests() % size;
    const tag = shape() % TAGS;
    const len = payloadBytes(shape);
    const buf = new Uint8Array(len);
    const head = new Uint32Array(buf.buffer, 0, 4);
    const s = seq[dest * TAGS + tag]++;
    for (let k = 16, v = (s * 31 + me) & 255; k < len; k++, v = (v + 7) & 255) buf[k] = v;
    head[0] = me;
    head[1] = tag;
    head[2] = s;
    head[3] = checksum(buf, 16);
    sent[dest]++;
    window.push(comm.send(buf, dest, { tag }));
    if (window.length >= WINDOW) {
      await Promise.all(window);
      window = [];
    }
  }
  await Promise.all(window);
  // One end marker per rank, after everything else this rank sent it: [count sent to it].
  await Promise.all(Array.from({ length: size }, (_, d) => comm.send(new Uint32Array([sent[d]]), d, { tag: END })));
}

async function receive() {
  const next = new Uint32Array(size * TAGS);
  const seen = Array.from({ length: size * TAGS }, () => new Set());
  const got = new Uint32Array(size);
  const c = { received: 0, lost: 0, duplicated: 0, corrupted: 0, reordered: 0, misaddressed: 0 };
  let ends = 0;
  const status = new Status();
  while (ends < size) {
    const data = await comm.recv({ source: ANY_SOURCE, tag: ANY_TAG, status });
    if (status.tag === END) {
      ends++;
      const expected = new Uint32Array(data.buffer, data.byteOffset, 1)[0];
      if (got[status.source] < expected) c.lost += expected - got[status.source];
      continue;
    }
    c.received++;
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(0);
    if (bytes.length < 16) {
      c.corrupted++;
      continue;
    }
    const head = new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + 16));
    const [src, tag, s, sum] = head;
    if (src !== status.source || tag !== status.tag) c.misaddressed++;
    if (checksum(bytes, 16) !== sum) {
      c.corrupted++;
      continue;
    }
    got[src]++;
    const key = src * TAGS + tag;
    if (seen[key].has(s)) c.duplicated++;
    else if (s !== next[key]) c.reordered++;
    seen[key].add(s);
    if (s >= next[key]) next[key] = s + 1;
  }
  return c;
}

const started = performance.now();
const [, counts] = await Promise.all([send(), receive()]);
const all = await comm.gather(counts, 0);
if (me === 0) {
  const sum = {};
  for (const c of all) for (const [k, v] of Object.entries(c)) sum[k] = (sum[k] ?? 0) + v;
  console.log(`INTEGRITY ${JSON.stringify({ ...sum, sent: total, seconds: (performance.now() - started) / 1000 })}`);
}
