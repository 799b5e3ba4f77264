// The timeline page (issue 19): `ranks trace job.json -o job.html` reads a Chrome trace
// into lanes, spans, arrows and bands, and writes one self-contained HTML page that draws
// them; a real headless Chromium loads the page and reports what it drew.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isRanksError, parseTimeline, timelineHtml } from 'ranks';
import { findChromium, noChromium, pageSummary, pageUrl, pngSize, screenshot } from './chromium-helpers.ts';
import { cli, fixture, HANGS } from './helpers.ts';
import { root, runIn } from './project-helpers.ts';
import { ringTrace } from './timeline-synthetic.ts';

const dir = mkdtempSync(join(tmpdir(), 'ranks-timeline-'));
after(() => rmSync(dir, { recursive: true, force: true }));
/** Screenshots CI keeps (.ci/run names the folder; it is gitignored). */
const artifacts = join(root, 'artifacts');
const browser = findChromium();
const skipBrowser = noChromium(browser);
if (skipBrowser) console.log(`# skipping the headless-browser tests: ${skipBrowser}`);

function invalid(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => isRanksError(err) && err.code === 'ERR_INVALID_ARG' && message.test(err.message));
}

describe('the timeline of a trace', { timeout: HANGS }, () => {
  test('a lane per rank with its name, a span per X event, an arrow per flow, a band per collective call', () => {
    const { trace, counts } = ringTrace(3, 200, 50);
    const t = parseTimeline(trace);
    assert.deepEqual(
      t.lanes.map((l) => l.name),
      ['rank 0', 'rank 1', 'rank 2'],
    );
    assert.deepEqual([t.spans.length, t.arrows.length, t.bands.length], [counts.spans, counts.arrows, counts.bands]);
    assert.equal(counts.bands, 4);
    // Every arrow goes from the sender's lane to the next rank's, forward in time.
    for (const a of t.arrows) {
      assert.equal(a.toLane, (a.fromLane + 1) % 3);
      assert.ok(a.toTime > a.fromTime);
    }
    // Each band groups one allreduce on all three lanes, from the first start to the last end.
    for (const b of t.bands) {
      assert.deepEqual([b.name, b.lanes], ['allreduce', [0, 1, 2]]);
      assert.ok(Math.abs(b.end - b.start - 3.2) < 1e-9, `${b.end - b.start}`);
    }
    // The wait nests inside its receive: one row down.
    const waits = t.spans.filter((s) => s.name === 'wait');
    assert.ok(waits.length > 0 && waits.every((w) => w.row === 1));
    assert.ok(t.spans.filter((s) => s.name !== 'wait').every((s) => s.row === 0));
    assert.deepEqual(
      t.lanes.map((l) => l.rows),
      [2, 2, 2],
    );
  });

  test('flows pair by id whatever order the file lists them in; B/E pairs; an unended B is an open span; the array format', () => {
    const t = parseTimeline(
      JSON.stringify([
        { ph: 'f', bp: 'e', id: 7, ts: 30, pid: 1, tid: 1 },
        { ph: 'B', name: 'recv', ts: 20, pid: 1, tid: 1, args: { peer: 0 } },
        { ph: 'E', ts: 35, pid: 1, tid: 1, args: { bytes: 8 } },
        { ph: 'B', name: 'recv', cat: 'p2p', ts: 40, pid: 1, tid: 1, args: { peer: 0, tag: 3 } },
        { ph: 's', id: 7, ts: 10, pid: 0, tid: 0 },
        { ph: 's', id: 8, ts: 12, pid: 0, tid: 0 },
        { ph: 'X', name: 'send', ts: 5, dur: 10, pid: 0, tid: 0 },
        { ph: 'i', name: 'stopped here', ts: 50, pid: 1, tid: 1 },
        { ph: 'C', name: 'counter', ts: 1, pid: 0, args: { v: 1 } },
      ]),
    );
    assert.deepEqual(
      t.lanes.map((l) => l.name),
      ['pid 0', 'pid 1'],
    );
    assert.deepEqual(
      t.arrows.map((a) => [a.fromLane, a.fromTime, a.toLane, a.toTime]),
      [[0, 10, 1, 30]],
    );
    assert.equal(t.unmatchedFlows, 1);
    const recvs = t.spans.filter((s) => s.name === 'recv');
    assert.deepEqual(
      recvs.map((s) => [s.start, s.dur, s.open, s.args]),
      [
        [20, 15, false, { peer: 0, bytes: 8 }],
        [40, 10, true, { peer: 0, tag: 3 }],
      ],
    );
    assert.deepEqual([t.start, t.end, t.marks.length], [5, 50, 1]);
  });

  test("a lane per process: its threads' rows stack below one another; args.unfinished marks a span open; otherData is kept", () => {
    const t = parseTimeline({
      traceEvents: [
        { ph: 'M', name: 'process_name', pid: 1, args: { name: 'rank 1' } },
        { ph: 'M', name: 'process_sort_index', pid: 1, args: { sort_index: 0 } },
        { ph: 'M', name: 'process_name', pid: 0, args: { name: 'rank 0' } },
        { ph: 'M', name: 'process_sort_index', pid: 0, args: { sort_index: 1 } },
        { ph: 'M', name: 'thread_name', pid: 0, tid: 1, args: { name: 'rank 0 · 1' } },
        { ph: 'X', name: 'allreduce', cat: 'coll', ts: 0, dur: 10, pid: 0, tid: 0, args: { comm: 'world' } },
        { ph: 'X', name: 'wait', cat: 'wait', ts: 1, dur: 2, pid: 0, tid: 0 },
        { ph: 'X', name: 'send', cat: 'p2p', ts: 2, dur: 5, pid: 0, tid: 1, args: { peer: 1 } },
        { ph: 's', id: 1, ts: 2, pid: 0, tid: 1 },
        { ph: 'X', name: 'recv', cat: 'p2p', ts: 3, dur: 20, pid: 1, tid: 0, args: { peer: 0, unfinished: true } },
        { ph: 'f', bp: 'e', id: 1, ts: 3, pid: 1, tid: 0 },
        { ph: 'X', name: 'allreduce', cat: 'coll', ts: 4, dur: 2, pid: 1, tid: 0, args: { comm: 'world' } },
      ],
      otherData: { transport: 'threads', status: 'failed' },
    });
    assert.deepEqual(
      t.lanes.map((l) => [l.name, l.rows, l.threads.map((th) => [th.name, th.firstRow, th.rows])]),
      [
        ['rank 1', 2, [['rank 1 · 0', 0, 2]]],
        [
          'rank 0',
          3,
          [
            ['rank 0 · 0', 0, 2],
            ['rank 0 · 1', 2, 1],
          ],
        ],
      ],
    );
    assert.deepEqual(
      t.spans.map((s) => [s.lane, s.row, s.name, s.open]),
      [
        [0, 0, 'recv', true],
        [0, 1, 'allreduce', false],
        [1, 0, 'allreduce', false],
        [1, 1, 'wait', false],
        [1, 2, 'send', false],
      ],
    );
    assert.deepEqual(
      t.arrows.map((a) => [a.fromLane, a.fromRow, a.toLane, a.toRow]),
      [[1, 2, 0, 0]],
    );
    assert.deepEqual(
      t.bands.map((b) => [b.name, b.start, b.end, b.lanes]),
      [['allreduce', 0, 10, [0, 1]]],
    );
    assert.equal(t.info.status, 'failed');
  });

  test('a trace cut off before its closing bracket still reads; input that is not a trace is refused with ERR_INVALID_ARG', () => {
    const cut = parseTimeline('[{"ph":"X","name":"a","ts":1,"dur":2,"pid":0,"tid":0},\n');
    assert.equal(cut.spans.length, 1);
    invalid(() => parseTimeline('{ nope', 'x.json'), /^x\.json is not a Chrome trace-event file: not JSON/);
    invalid(() => parseTimeline({ name: 'ranks', version: '1' }), /got an object with keys name, version/);
    invalid(() => parseTimeline('"text"'), /got "text" \(string\)/);
    invalid(() => parseTimeline([{ ph: 'X', ts: 1 }]), /Expected event 0's `dur` to be a number >= 0, got undefined/);
    invalid(() => parseTimeline([{ ph: 'X', ts: 1, dur: 1 }, 3]), /event 1 is 3 \(number\), not an object/);
    invalid(() => parseTimeline([{ name: 'x' }]), /Expected event 0's `ph` to be a string/);
  });

  test('the page is one file that fetches nothing, with the trace inside and </script> in a name kept harmless', () => {
    const { trace } = ringTrace(2, 10, 5);
    trace.traceEvents.push({ ph: 'X', name: '</script><script>alert(1)</script>', ts: 1, dur: 1, pid: 0, tid: 0 });
    const html = timelineHtml(parseTimeline(trace), { title: 'a <b>title</b>' });
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /\b(src|href)\s*=|@import|url\(|<link|<iframe/i, 'nothing to load');
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.equal(html.match(/<\/script>/g)?.length, 2, 'only the two script elements close');
    assert.match(html, /<title>a &#60;b&#62;title&#60;\/b&#62;<\/title>/);
  });
});

describe('ranks trace', { timeout: HANGS }, () => {
  test('writes the page beside the trace (or at -o), and says what it holds', async () => {
    const { trace, counts } = ringTrace(4, 100, 25);
    const json = join(dir, 'ring.json');
    writeFileSync(json, JSON.stringify(trace));
    const r = await cli(['trace', json]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`wrote .*ring\\.html .*: 4 lanes, ${counts.spans} spans, ${counts.arrows} messages, 4 collectives`));
    assert.match(readFileSync(join(dir, 'ring.html'), 'utf8'), /<title>ring\.json<\/title>/);
    const out = join(dir, 'other.html');
    const o = await cli(['trace', '--title', 'Ring', json, '-o', out]);
    assert.equal(o.code, 0, o.stderr);
    assert.match(readFileSync(out, 'utf8'), /<title>Ring<\/title>/);
  });

  test('bad input: a coded error and exit 1; usage errors: one line and exit 2', async () => {
    const notTrace = join(dir, 'package.json');
    writeFileSync(notTrace, '{"name":"x"}');
    for (const [args, status, line] of [
      [['trace', join(dir, 'missing.json')], 1, /^ranks: ERR_INVALID_ARG: cannot read the trace ".*missing\.json": no such file \(ENOENT\)\n$/],
      [['trace', dir], 1, /^ranks: ERR_INVALID_ARG: cannot read the trace .*\(EISDIR\)\n$/],
      [['trace', notTrace], 1, /^ranks: ERR_INVALID_ARG: ".*package\.json" is not a Chrome trace-event file: .*got an object with keys name\n$/],
      [['trace'], 2, /^ranks trace: missing the trace to draw: ranks trace job\.json -o job\.html; see ranks trace --help\n$/],
      [['trace', 'a.json', 'b.json'], 2, /^ranks trace: unexpected argument "b\.json" \(one trace per page\); see ranks trace --help\n$/],
      [['trace', '--tittle', 'x', 'a.json'], 2, /^ranks trace: unknown option --tittle \(did you mean --title\?\); see ranks trace --help\n$/],
      [['trace', 'a.json', '-o'], 2, /^ranks trace: option -o needs a value; see ranks trace --help\n$/],
      [['trace', 'a.json', '-o', 'a.json'], 2, /^ranks trace: the page would overwrite its trace "a\.json": name the page with -o; see ranks trace --help\n$/],
    ] as const) {
      const r = await cli([...args]);
      assert.equal(r.code, status, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, line);
    }
    const help = await cli(['trace', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^ranks trace — /);
    assert.match((await cli(['--help'])).stdout, /ranks trace TRACE\.json/);
  });

  test('the packed package ships the page builder', async () => {
    const r = await runIn(root, process.platform === 'win32' ? 'npm.cmd' : 'npm', ['pack', '--dry-run', '--json', '--ignore-scripts']);
    assert.equal(r.code, 0, r.stderr);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    for (const f of [
      'dist/cli/trace.js',
      'dist/timeline/page.js',
      'dist/timeline/client-draw.js',
      'dist/timeline/client-ui.js',
      'dist/timeline/client-data.js',
    ]) {
      assert.ok(files.includes(f), `${f} is in the package`);
    }
  });
});

describe('the page in headless Chromium', { timeout: HANGS, skip: skipBrowser }, () => {
  test('a real job (ranks run --trace): a lane per rank, an arrow per message, a band per collective call, and a screenshot', async () => {
    const steps = 3;
    const json = join(dir, 'job.json');
    const page = join(dir, 'job.html');
    const run = await cli(['run', '-n', '4', '--trace', json, fixture('timeline-ring.ts').pathname, String(steps)]);
    assert.equal(run.code, 0, run.stderr);
    const events = (JSON.parse(readFileSync(json, 'utf8')) as { traceEvents: { ph: string; cat?: string; name: string; id?: number }[] }).traceEvents;
    const finished = new Set(events.filter((e) => e.ph === 'f').map((e) => e.id));
    const messages = events.filter((e) => e.ph === 's' && finished.has(e.id)).length;
    // The ring's messages, and those inside the collectives' algorithms: every one drawn.
    assert.ok(messages >= 4 * steps, `${messages} messages`);
    assert.equal((await cli(['trace', json, '-o', page])).code, 0);
    const s = await pageSummary(browser!, pageUrl(page, 'lod=off'));
    assert.equal(s.ready, '1', JSON.stringify(s));
    assert.deepEqual(
      [s.lanes, s['lanes-drawn'], s.arrows, s['arrows-drawn'], s.bands, s['bands-drawn'], s.marks],
      [4, 4, messages, messages, steps + 1, steps + 1, 4].map(String),
    );
    assert.ok(Number(s['spans-drawn']) >= 4 * (2 * steps + steps + 1), JSON.stringify(s));
    mkdirSync(artifacts, { recursive: true });
    const shot = join(artifacts, 'timeline-job.png');
    rmSync(shot, { force: true });
    await screenshot(browser!, pageUrl(page), shot, '1200,500');
    assert.deepEqual(pngSize(readFileSync(shot)), { width: 1200, height: 500 });
  });

  test("a deadlocked job's page: every rank's blocked receive drawn open, where each stopped marked, the failure in the header", async () => {
    const json = join(dir, 'deadlock.json');
    const page = join(dir, 'deadlock.html');
    const run = await cli(['run', '-n', '3', '--trace', json, fixture('trace/deadlock.ts').pathname]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, /ERR_DEADLOCK/);
    assert.equal((await cli(['trace', json, '-o', page])).code, 0);
    assert.match(readFileSync(page, 'utf8'), /<span class="failed">failed/);
    const s = await pageSummary(browser!, pageUrl(page, 'lod=off'));
    assert.deepEqual([s.lanes, s.open, s['arrows-drawn']], ['3', '3', '3']);
    assert.ok(Number(s['marks-drawn']) >= 3, JSON.stringify(s));
  });

  test('a ring exchange: every lane, arrow, band and span drawn (level of detail off), and a screenshot', async () => {
    const { trace, counts } = ringTrace(4, 300, 100);
    const json = join(dir, 'ring-small.json');
    const page = join(dir, 'ring-small.html');
    writeFileSync(json, JSON.stringify(trace));
    assert.equal((await cli(['trace', json, '-o', page])).code, 0);
    const s = await pageSummary(browser!, pageUrl(page, 'lod=off'));
    assert.equal(s.ready, '1', JSON.stringify(s));
    assert.deepEqual(
      [s.lanes, s['lanes-drawn'], s.arrows, s['arrows-drawn'], s.bands, s['bands-drawn'], s.spans, s['spans-drawn']],
      [4, 4, counts.arrows, counts.arrows, counts.bands, counts.bands, counts.spans, counts.spans].map(String),
    );
    // Hover details, as the pointer over rank 0's send of step 10 would show them.
    const hover = await pageSummary(browser!, pageUrl(page, 'from=0&to=300&hover=572,32'));
    assert.match(hover.hover!, /^send \[p2p\] \| lane rank 0 \| start [\d.]+ µs \| duration 1\.50 µs \| peer 1 \| tag 7 \| bytes 32 B$/);
    // Zoomed in on the first 100 µs (#from/#to), only the spans and arrows there are drawn.
    const zoomed = await pageSummary(browser!, pageUrl(page, 'lod=off&from=0&to=100'));
    assert.equal(zoomed['arrows-drawn'], String(4 * 10));
    mkdirSync(artifacts, { recursive: true });
    const shot = join(artifacts, 'timeline-ring.png');
    rmSync(shot, { force: true });
    await screenshot(browser!, pageUrl(page, 'from=0&to=300'), shot, '1200,400');
    assert.deepEqual(pngSize(readFileSync(shot)), { width: 1200, height: 400 });
  });

  test('8 ranks × 100 000 events: the page stays small and draws them, level of detail keeping a frame to its pixels', async () => {
    const { trace, counts } = ringTrace(8, 25_000, 100);
    assert.ok(counts.events >= 8 * 100_000, `${counts.events} events`);
    const page = join(dir, 'ring-big.html');
    writeFileSync(page, timelineHtml(parseTimeline(trace), { title: '8 × 100 000' }));
    const bytes = statSync(page).size;
    // About 10 bytes an event (a span is four short numbers); the trace itself is ~100.
    assert.ok(bytes < counts.events * 16, `${bytes} bytes for ${counts.events} events`);
    const s = await pageSummary(browser!, pageUrl(page));
    assert.equal(s.ready, '1', JSON.stringify(s));
    assert.deepEqual([s.lanes, s['lanes-drawn'], s.spans, s.arrows, s.bands], [8, 8, counts.spans, counts.arrows, counts.bands].map(String));
    const spansDrawn = Number(s['spans-drawn']);
    const arrowsDrawn = Number(s['arrows-drawn']);
    // The whole trace in 1250 pixels: a rectangle per pixel column and row, not per span.
    assert.ok(spansDrawn > 0 && spansDrawn <= 8 * 2 * 1250 + 8 * 2, `${spansDrawn} spans drawn`);
    assert.ok(arrowsDrawn > 0 && arrowsDrawn < counts.arrows, `${arrowsDrawn} arrows drawn`);
    mkdirSync(artifacts, { recursive: true });
    await screenshot(browser!, pageUrl(page), join(artifacts, 'timeline-8x100k.png'), '1400,400');
  });
});
