// The timeline page: one self-contained HTML file (inline CSS, inline script, the trace
// embedded as JSON; nothing fetched from the network) that draws a trace on a canvas.
import { CLIENT_DATA } from './client-data.ts';
import { CLIENT_DRAW } from './client-draw.ts';
import { CLIENT_UI } from './client-ui.ts';
import { pageData } from './data.ts';
import type { Timeline } from './model.ts';

/** Options of {@link timelineHtml}. */
export interface TimelinePageOptions {
  /** The page's title and heading (default: `ranks timeline`). */
  title?: string;
}

const CSS = `
html, body { margin: 0; height: 100%; font: 12px system-ui, sans-serif; color: #222; background: #fff; }
body { display: flex; flex-direction: column; }
header { display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: baseline; padding: 6px 10px; border-bottom: 1px solid #ddd; }
header h1 { font-size: 14px; margin: 0; }
header .key { display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 8px; vertical-align: -1px; }
header .help { color: #666; }
header .failed { color: #c62828; font-weight: 600; }
canvas { flex: 1; min-height: 0; width: 100%; display: block; cursor: crosshair; }
#tip { position: fixed; display: none; max-width: 420px; padding: 6px 8px; background: rgba(255,255,255,0.97);
  border: 1px solid #bbb; border-radius: 4px; box-shadow: 0 2px 8px rgba(0,0,0,0.15); pointer-events: none; white-space: pre-wrap; }
#tip b { font-weight: 600; }
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** JSON that is safe inside a <script> element: no `</script>`, no `<!--`. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * The timeline page of a trace: one self-contained HTML file drawing rank lanes, message
 * arrows, collective bands and instant marks on a canvas, with zoom (wheel, `+`/`-`), pan
 * (drag, arrow keys) and hover details (name, peer, tag, bytes, duration). It needs no
 * network. After each frame it writes what it drew as `data-*` attributes on `<body>`
 * (`data-lanes`, `data-arrows`, `data-arrows-drawn`, ...).
 *
 * @example
 * import { readFileSync, writeFileSync } from 'node:fs';
 * import { parseTimeline, timelineHtml } from 'ranks';
 * const timeline = parseTimeline(readFileSync('job.json', 'utf8'), 'job.json');
 * writeFileSync('job.html', timelineHtml(timeline, { title: 'halo exchange' }));
 */
export function timelineHtml(timeline: Timeline, options: TimelinePageOptions = {}): string {
  const title = options.title ?? 'ranks timeline';
  const counts = [
    plural(timeline.lanes.length, 'lane'),
    plural(timeline.spans.length, 'span'),
    plural(timeline.arrows.length, 'message'),
    plural(timeline.bands.length, 'collective'),
    ...(timeline.unmatchedFlows > 0 ? [`${plural(timeline.unmatchedFlows, 'message')} never received`] : []),
  ].join(' · ');
  const info = timeline.info;
  const about = [
    typeof info.transport === 'string' ? info.transport : undefined,
    typeof info.ranks === 'number' ? plural(info.ranks, 'rank') : undefined,
    typeof info.startTime === 'string' ? info.startTime : undefined,
    typeof info.dropped === 'number' && info.dropped > 0 ? `${plural(info.dropped, 'event')} dropped (the oldest, past the limit)` : undefined,
    Array.isArray(info.missing) && info.missing.length > 0 ? `no events from rank ${info.missing.join(', ')}` : undefined,
  ].filter((x) => x !== undefined);
  const failed = info.status === 'failed' ? `failed${typeof info.error === 'string' ? `: ${info.error}` : ''}` : undefined;
  const keys = [
    ['#3a78c9', 'send'],
    ['#3c9a5f', 'receive'],
    ['#e39a3b', 'wait'],
    ['#8e6bd1', 'collective'],
    ['#23a39c', 'task'],
  ]
    .map(([colour, name]) => `<span class="key" style="background:${colour}"></span>${name}`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(title)}</h1>${failed ? `<span class="failed">${escapeHtml(failed)}</span>` : ''}<span>${escapeHtml(counts)}</span>${about.length > 0 ? `<span class="help">${escapeHtml(about.join(' · '))}</span>` : ''}<span>${keys}</span><span id="view"></span>
<span class="help">wheel or +/−: zoom · drag or ←/→: pan · shift+wheel or ↑/↓: lanes · double-click: zoom to a span · 0: all</span></header>
<canvas id="timeline"></canvas>
<div id="tip"></div>
<script type="application/json" id="timeline-data">${scriptJson(pageData(timeline))}</script>
<script>
(function () {
'use strict';
${CLIENT_DATA}
${CLIENT_DRAW}
${CLIENT_UI}
})();
</script>
</body>
</html>
`;
}
