// Reading and checking trace files (Chrome trace-event JSON) in the trace and profile tests.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChromeTrace, TraceEvent } from 'ranks';

/** One event of a trace file. */
export type Ev = TraceEvent;

/** A trace file as the tests read it. */
export type Trace = ChromeTrace;

/** The known traffic of fixtures/trace/traffic.ts. */
export const N = 5;
export const B = 64;

/** A fresh folder for a test's files. */
export function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'ranks-trace-test-'));
}

export function readTrace(path: string): Trace {
  return JSON.parse(readFileSync(path, 'utf8')) as Trace;
}

/** The complete spans (`ph: 'X'`). */
export function spans(t: Trace, cat?: string): Ev[] {
  return t.traceEvents.filter((e) => e.ph === 'X' && (cat === undefined || e.cat === cat));
}

/**
 * What every trace must hold: a named lane per rank, spans that nest on each (pid, tid),
 * one `s` and one `f` per flow id on the lanes of their spans, and every finished send of
 * the user's point-to-point traffic with its flow to a receive of the same bytes.
 */
export function checkStructure(t: Trace, lanes: number): void {
  assert.ok(Array.isArray(t.traceEvents));
  assert.equal(t.displayTimeUnit, 'ms');
  const named = t.traceEvents.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.pid);
  assert.deepEqual(
    [...named].sort((a, b) => a - b),
    Array.from({ length: lanes }, (_, i) => i),
    'a named lane per rank',
  );
  // Spans nest on each (pid, tid).
  const byLane = new Map<string, Ev[]>();
  for (const e of spans(t)) {
    assert.ok(e.ts! >= 0 && e.dur! >= 0, `span ${e.name} has a time and a duration`);
    const k = `${e.pid}/${e.tid}`;
    byLane.set(k, [...(byLane.get(k) ?? []), e]);
  }
  for (const [lane, list] of byLane) {
    list.sort((a, b) => a.ts! - b.ts! || b.dur! - a.dur!);
    const stack: number[] = [];
    for (const e of list) {
      while (stack.length && stack[stack.length - 1]! <= e.ts!) stack.pop();
      if (stack.length) assert.ok(e.ts! + e.dur! <= stack[stack.length - 1]! + 1e-6, `span ${e.name} at ${e.ts} on lane ${lane} nests in the one open there`);
      stack.push(e.ts! + e.dur!);
    }
  }
  // Flows: one start and one finish per id, each on its span's lane.
  const starts = new Map<number, Ev>();
  const ends = new Map<number, Ev>();
  for (const e of t.traceEvents) {
    if (e.ph === 's') {
      assert.ok(!starts.has(e.id!), `flow ${e.id} starts once`);
      starts.set(e.id!, e);
    } else if (e.ph === 'f') {
      assert.ok(!ends.has(e.id!), `flow ${e.id} ends once`);
      assert.equal(e.bp, 'e');
      ends.set(e.id!, e);
    }
  }
  assert.deepEqual([...starts.keys()].sort(), [...ends.keys()].sort(), 'every flow that starts ends');
  const byFlow = new Map<number, Ev[]>();
  for (const e of spans(t)) if (typeof e.args?.flow === 'number') byFlow.set(e.args.flow, [...(byFlow.get(e.args.flow) ?? []), e]);
  for (const [id, pair] of byFlow) {
    assert.equal(pair.length, 2, `flow ${id} joins two spans`);
    const send = pair.find((e) => e.name === 'send' || e.name === 'ssend')!;
    const recv = pair.find((e) => e.name === 'recv')!;
    assert.ok(send && recv, `flow ${id} goes from a send to a receive`);
    assert.equal(starts.get(id)!.pid, send.pid);
    assert.equal(starts.get(id)!.tid, send.tid);
    assert.equal(ends.get(id)!.pid, recv.pid);
    assert.equal(recv.pid, send.args!.peerWorld, 'the receive is on the lane the send went to');
    assert.equal(recv.args!.bytes, send.args!.bytes);
    assert.equal(recv.args!.tag, send.args!.tag);
  }
  for (const s of spans(t, 'p2p')) {
    if (s.name === 'recv' || s.args?.unfinished) continue;
    assert.equal(typeof s.args?.flow, 'number', `the send of tag ${String(s.args?.tag)} on lane ${s.pid} has its flow to a receive`);
  }
}

/** The checks of fixtures/trace/traffic.ts's trace on `size` ranks. */
export function checkTraffic(t: Trace, size: number, transport: string): void {
  checkStructure(t, size);
  assert.equal(t.otherData.ranks, size);
  assert.equal(t.otherData.transport, transport);
  assert.equal(t.otherData.status, 'ok');
  assert.deepEqual(t.otherData.missing, []);
  for (const lane of t.otherData.lanes) assert.equal(lane.reason, 'exit');
  const p2p = spans(t, 'p2p');
  for (let r = 0; r < size; r++) {
    const right = (r + 1) % size;
    const raw = p2p.filter((e) => e.pid === r && e.name === 'send' && e.args!.tag === 7);
    assert.equal(raw.length, N, `rank ${r} sent ${N} messages of tag 7`);
    for (const e of raw) {
      assert.equal(e.args!.bytes, B);
      assert.equal(e.args!.peer, right);
      assert.equal(e.args!.comm, 'world');
    }
    assert.equal(p2p.filter((e) => e.pid === r && e.name === 'ssend').length, 1, `rank ${r} has its ssend`);
    assert.equal(p2p.filter((e) => e.pid === r && e.name === 'recv' && e.args!.tag === 7).length, N);
  }
  const coll = spans(t, 'coll');
  const named = (name: string): Ev[] => coll.filter((e) => e.name === name);
  assert.equal(named('allreduce').length, size);
  for (const e of named('allreduce')) assert.deepEqual([e.args!.comm, e.args!.bytes, e.args!.root], ['world', 64, undefined]);
  assert.equal(named('bcast').length, size);
  for (const e of named('bcast')) assert.deepEqual([e.args!.bytes, e.args!.root], [128, size > 1 ? 1 : 0]);
  assert.equal(named('barrier').length, size);
  assert.equal(named('gather').length, size);
  for (const e of named('gather')) assert.equal(e.args!.root, 0);
  assert.ok(
    spans(t, 'wait').some((e) => e.name === 'waitAll'),
    'Request.waitAll shows as a wait',
  );
}
