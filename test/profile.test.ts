// The profile (`ranks run --profile`, `launch({ profile })`, RANKS_PROFILE under mpiexec):
// its numbers against a job of known traffic (rank r sends r+1 messages of (r+1)*16 bytes
// to r+1), exactly; the text and JSON forms; and the recorder's pieces it stands on (the
// bound on spans kept, the pairing of sends and receives, the packing of lanes).
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { launch } from 'ranks';
import { cli, fixture, HANGS } from './helpers.ts';
import { joinTest, mpiexec, mpiFlavors, type MpiFlavor } from './mpi-helpers.ts';
import { scratch } from './trace-helpers.ts';
import type { Profile } from '../src/trace/profile.ts';
import { Recorder } from '../src/trace/recorder.ts';
import { pairFlows } from '../src/trace/flows.ts';
import { packLanes, type Closed } from '../src/trace/lanes.ts';
import type { Part } from '../src/trace/events.ts';

const dir = scratch();
after(() => rmSync(dir, { recursive: true, force: true }));
const bin = new URL('../bin/ranks.js', import.meta.url).pathname;

/** The checks of fixtures/trace/matrix.ts's profile on `size` ranks. */
function checkMatrix(p: Profile, size: number): void {
  assert.equal(p.size, size);
  assert.equal(p.ranks.length, size);
  for (let r = 0; r < size; r++) {
    const right = (r + 1) % size;
    const left = (r + size - 1) % size;
    for (let s = 0; s < size; s++) {
      const want = s === right ? (r + 1) * (r + 1) * 16 : 0;
      const count = s === right ? r + 1 : 0;
      if (s === right && right === r) continue; // one rank: to itself, below
      assert.equal(p.matrix.bytes[r]![s], want, `bytes from ${r} to ${s}`);
      assert.equal(p.matrix.messages[r]![s], count, `messages from ${r} to ${s}`);
    }
    const me = p.ranks.find((x) => x.rank === r)!;
    assert.deepEqual(me.sent, { messages: r + 1, bytes: (r + 1) * (r + 1) * 16 });
    assert.deepEqual(me.received, { messages: left + 1, bytes: (left + 1) * (left + 1) * 16 });
    assert.equal(me.collectives.bcast!.calls, 1);
    assert.equal(me.collectives.bcast!.bytes, 16);
    assert.ok(me.wallMs > 0 && (me.timeMs.recv ?? 0) >= 0 && (me.timeMs.coll ?? 0) > 0);
    assert.equal(me.reason, 'exit');
  }
  assert.ok(p.longestWaits.length > 0);
  assert.ok(
    p.longestWaits.every((w) => w.site?.includes('matrix.ts')),
    `every long wait names its line in the script: ${JSON.stringify(p.longestWaits.map((w) => w.site))}`,
  );
}

for (const transport of ['threads', 'processes'] as const) {
  describe(`profile over ${transport}`, { timeout: HANGS }, () => {
    test('matrix, counts and bytes of a job with known traffic, exactly', async () => {
      const file = join(dir, `matrix-${transport}.json`);
      await launch({ size: 3, script: fixture('trace/matrix.ts'), transport, profile: file, timeout: HANGS });
      checkMatrix(JSON.parse(readFileSync(file, 'utf8')) as Profile, 3);
    });
  });
}

describe('ranks run --profile', { timeout: HANGS }, () => {
  test('prints the table and the matrix on stderr; --profile=json prints the JSON there', async () => {
    const text = await cli(['run', '-n', '2', '--profile', fixture('trace/matrix.ts').pathname]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stdout, '', "the script's own output stays alone on stdout");
    assert.match(text.stderr, /^ranks profile: 2 of 2 ranks \(threads\)$/m);
    assert.match(text.stderr, /^rank 0 .* exit$/m);
    assert.match(text.stderr, /^communication matrix \(bytes, from row to column\):\nfrom\\to\s+0\s+1\n0\s+0\s+16\n1\s+64\s+0$/m);
    const json = await cli(['run', '-n', '2', '--profile=json', fixture('trace/matrix.ts').pathname]);
    assert.equal(json.code, 0, json.stderr);
    checkMatrix(JSON.parse(json.stderr.trim().split('\n').at(-1)!) as Profile, 2);
  });
});

describe('the recorder', { timeout: HANGS }, () => {
  test('keeps its latest spans past the bound and counts the dropped ones; open spans end unfinished', () => {
    const rec = new Recorder({ rank: 0, size: 1, label: 'rank 0', transport: 'threads', job: 'j', limit: 3, sites: false });
    for (let i = 0; i < 5; i++) rec.end(rec.begin('wait', `w${i}`, {}));
    rec.begin('p2p', 'recv', { tag: 1 });
    const part = rec.stop('exit');
    assert.equal(part.dropped, 3);
    assert.deepEqual(
      part.spans.map((s) => s.name),
      ['w3', 'w4', 'recv'],
    );
    assert.equal(part.spans[2]!.args.unfinished, true);
    assert.equal(part.spans[2]!.t1, part.stopped);
  });

  test('pairs the k-th send of (context, source, dest, tag) with the k-th receive completed', () => {
    const sender = new Recorder({ rank: 0, size: 2, label: 'rank 0', transport: 'threads', job: 'j', limit: 100, sites: false });
    const receiver = new Recorder({ rank: 1, size: 2, label: 'rank 1', transport: 'threads', job: 'j', limit: 100, sites: false });
    const sent = [5, 6, 5].map((tag) => sender.message(true, 'send', 0, 1, tag, tag * 10));
    for (const s of sent) sender.end(s);
    // Tag 6 is taken first, then the two of tag 5 in order (MPI's non-overtaking rule).
    const got = [6, 5, 5].map((tag) => {
      const r = receiver.message(false, 'recv', 0, 0, -1, undefined);
      receiver.matched(r, 0, 0, tag, tag * 10);
      receiver.end(r);
      return r;
    });
    const parts: Part[] = [sender.stop('exit'), receiver.stop('exit')];
    const ids = pairFlows(parts);
    assert.equal(ids.get(sent[1]!), ids.get(got[0]!));
    assert.equal(ids.get(sent[0]!), ids.get(got[1]!));
    assert.equal(ids.get(sent[2]!), ids.get(got[2]!));
    assert.equal(new Set(sent.map((s) => ids.get(s))).size, 3);
  });

  test('packs overlapping spans into sub-lanes where each nests', () => {
    const span = (t0: number, t1: number): Closed => ({ cat: 'p2p', name: 'x', t0, t1, args: {} });
    const [a, b, c, d] = [span(0, 10), span(2, 5), span(4, 12), span(11, 13)];
    const lanes = packLanes([a!, b!, c!, d!]);
    assert.deepEqual(
      [a, b, c, d].map((s) => lanes.get(s!)),
      [0, 0, 1, 0],
    );
  });
});

for (const { flavor, skip } of mpiFlavors()) {
  describe(`profile under mpiexec (${flavor.name})`, { timeout: HANGS }, () => {
    const why = joinTest(flavor, skip, 'ranks join the job (koffi and the MPI library load)');
    test('`ranks run --profile=FILE.json`: the same numbers, exactly', async (t) => {
      if (why()) return t.skip(why());
      const f = flavor as MpiFlavor;
      const file = join(dir, `mpi-${f.name.replace(/\W/g, '')}.json`);
      const out = await mpiexec(f, [...f.ranks(3), process.execPath, bin, 'run', `--profile=${file}`, fixture('trace/matrix.ts').pathname]);
      assert.equal(out.code, 0, out.stderr);
      checkMatrix(JSON.parse(readFileSync(file, 'utf8')) as Profile, 3);
    });
  });
}
