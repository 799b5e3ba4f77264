// The page's script, part 3 of 3: zoom (wheel, keys), pan (drag, keys), hover details,
// and the summary each frame writes into the DOM (data-* attributes on <body>), which
// tests read back from a headless browser.

/** Browser JavaScript: input handling, hover details, the DOM summary, the first frame. */
export const CLIENT_UI = String.raw`
var tip = document.getElementById('tip');
var pending = false;
function redraw() { if (!pending) { pending = true; requestAnimationFrame(function () { pending = false; draw(); }); } }

function clampView() {
  var full = Math.max(T.end, 1), span = view.v1 - view.v0;
  span = Math.min(Math.max(span, 10), full * 1.5);
  var mid = (view.v0 + view.v1) / 2;
  mid = Math.min(Math.max(mid, -full * 0.25), full * 1.25);
  view.v0 = mid - span / 2; view.v1 = mid + span / 2;
  view.top = Math.min(Math.max(0, view.top), Math.max(0, totalH - H + 20));
}

function zoomAt(x, factor) {
  var t = view.v0 + (Math.max(x, GUTTER) - GUTTER) / scale();
  view.v0 = t - (t - view.v0) * factor; view.v1 = t + (view.v1 - t) * factor;
  clampView(); redraw();
}

function panBy(px, py) {
  var dt = px / scale();
  view.v0 += dt; view.v1 += dt; view.top += py;
  clampView(); redraw();
}

function summarise() {
  var b = document.body;
  b.setAttribute('data-lanes', String(T.lanes.length));
  b.setAttribute('data-spans', String(T.spans));
  b.setAttribute('data-arrows', String(T.arrows.n));
  b.setAttribute('data-bands', String(T.bands.n));
  b.setAttribute('data-marks', String(T.marks.length));
  b.setAttribute('data-open', String(T.open));
  b.setAttribute('data-lanes-drawn', String(stats.lanes));
  b.setAttribute('data-spans-drawn', String(stats.spans));
  b.setAttribute('data-arrows-drawn', String(stats.arrows));
  b.setAttribute('data-bands-drawn', String(stats.bands));
  b.setAttribute('data-marks-drawn', String(stats.marks));
  b.setAttribute('data-frame-ms', stats.ms.toFixed(1));
  b.setAttribute('data-ready', '1');
  document.getElementById('view').textContent = formatTime(view.v0) + ' \u2013 ' + formatTime(view.v1) + ' (' + formatTime(view.v1 - view.v0) + ' in view)';
}

// What is under the pointer: a span, else a mark, else a collective band.
function hit(x, y) {
  var k = scale(), t = view.v0 + (x - GUTTER) / k;
  for (var i = 0; i < T.lanes.length; i++) {
    var l = T.lanes[i], top = laneTop(l);
    if (y < top - LANEGAP / 2 || y >= top + l.h + LANEGAP / 2) continue;
    var row = Math.floor((y - top) / ROWH);
    for (var m = 0; m < T.marks.length; m++) {
      var mk = T.marks[m];
      if (mk[0] === i && Math.abs(xOf(mk[1], k) - x) < 4) return { mark: mk, lane: l };
    }
    for (var n = 0; n < l.tracks.length; n++) {
      var tr = l.tracks[n];
      if (tr.row !== row) continue;
      var j = lowerBound(tr.s, t, 0, tr.s.length), best = -1, bestPx = 4;
      for (var c = Math.max(0, j - 2); c <= Math.min(tr.s.length - 1, j + 1); c++) {
        var x0 = xOf(tr.s[c], k), x1 = xOf(tr.s[c] + tr.d[c], k), dist = x < x0 ? x0 - x : x > x1 ? x - x1 : 0;
        if (dist < bestPx) { bestPx = dist; best = c; }
      }
      if (best >= 0) return { track: tr, index: best, lane: l };
    }
    var b = T.bands;
    for (var q = lowerBound(b.s, t - b.max, 0, b.n); q < b.n && b.s[q] <= t; q++) {
      if (b.e[q] >= t && b.lo[q] <= i && b.hi[q] >= i) return { band: q, lane: l };
    }
    return null;
  }
  return null;
}

function line(parent, label, value) {
  var row = document.createElement('div');
  var key = document.createElement('b');
  key.textContent = label + ' ';
  row.appendChild(key);
  row.appendChild(document.createTextNode(value));
  parent.appendChild(row);
}

function describe(h) {
  tip.textContent = '';
  if (h.mark) {
    line(tip, h.mark[2] || 'mark', 'on ' + h.lane.name + ' at ' + formatTime(h.mark[1]));
    Object.keys(h.mark[3] || {}).forEach(function (key) { line(tip, key, JSON.stringify(h.mark[3][key])); });
    return;
  }
  if (h.band !== undefined) {
    var b = T.bands;
    line(tip, b.name[h.band], 'collective over ' + b.count[h.band] + ' lanes');
    line(tip, 'from', formatTime(b.s[h.band]) + ' to ' + formatTime(b.e[h.band]) + ' (' + formatTime(b.e[h.band] - b.s[h.band]) + ', first start to last end)');
    return;
  }
  var tr = h.track, st = T.styles[tr.k[h.index]];
  line(tip, st.name || '(unnamed)', st.cat ? '[' + st.cat + ']' : '');
  line(tip, 'lane', h.lane.name);
  line(tip, 'start', formatTime(tr.s[h.index]));
  line(tip, 'duration', formatTime(tr.d[h.index]) + (st.open ? ' (still running when the trace was written)' : ''));
  var args = st.args || {}, order = ['peer', 'source', 'dest', 'root', 'tag', 'bytes'];
  Object.keys(args).sort(function (a, b) {
    var ia = order.indexOf(a), ib = order.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || (a < b ? -1 : a > b ? 1 : 0);
  }).forEach(function (key) {
    var v = args[key];
    line(tip, key, key === 'bytes' || /Bytes$/.test(key) ? formatBytes(v) : typeof v === 'string' ? v : JSON.stringify(v));
  });
}

var drag = null;
canvas.addEventListener('mousedown', function (e) { drag = { x: e.clientX, y: e.clientY }; canvas.style.cursor = 'grabbing'; });
window.addEventListener('mouseup', function () { drag = null; canvas.style.cursor = ''; });
canvas.addEventListener('mousemove', function (e) {
  var r = canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
  if (drag) { panBy(drag.x - e.clientX, drag.y - e.clientY); drag = { x: e.clientX, y: e.clientY }; tip.style.display = 'none'; return; }
  var h = x > GUTTER && y > AXIS ? hit(x, y) : null;
  if (!h) { tip.style.display = 'none'; return; }
  describe(h);
  tip.style.display = 'block';
  var left = e.clientX + 14, topPx = e.clientY + 14;
  if (left + tip.offsetWidth > window.innerWidth) left = e.clientX - tip.offsetWidth - 8;
  if (topPx + tip.offsetHeight > window.innerHeight) topPx = e.clientY - tip.offsetHeight - 8;
  tip.style.left = left + 'px'; tip.style.top = topPx + 'px';
});
canvas.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
canvas.addEventListener('wheel', function (e) {
  e.preventDefault();
  var r = canvas.getBoundingClientRect();
  if (e.shiftKey) panBy(0, e.deltaY);
  else if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) panBy(e.deltaX, 0);
  else zoomAt(e.clientX - r.left, Math.exp(Math.max(-1, Math.min(1, e.deltaY * 0.002))));
}, { passive: false });
canvas.addEventListener('dblclick', function (e) {
  var r = canvas.getBoundingClientRect(), h = hit(e.clientX - r.left, e.clientY - r.top);
  if (!h || !h.track) return;
  var s = h.track.s[h.index], d = Math.max(h.track.d[h.index], 10);
  view.v0 = s - d * 0.25; view.v1 = s + d * 1.25; clampView(); redraw();
});
window.addEventListener('keydown', function (e) {
  var step = (W - GUTTER) * 0.15, mid = GUTTER + (W - GUTTER) / 2;
  switch (e.key) {
    case '+': case '=': case 'w': zoomAt(mid, 0.7); break;
    case '-': case '_': case 's': zoomAt(mid, 1 / 0.7); break;
    case 'a': case 'ArrowLeft': panBy(-step, 0); break;
    case 'd': case 'ArrowRight': panBy(step, 0); break;
    case 'ArrowUp': panBy(0, -ROWH * 2); break;
    case 'ArrowDown': panBy(0, ROWH * 2); break;
    case '0': case 'Home': view.v0 = 0; view.v1 = Math.max(T.end, 1); view.top = 0; clampView(); redraw(); break;
    default: return;
  }
  e.preventDefault();
});
window.addEventListener('resize', function () { layout(); clampView(); redraw(); });

// #from=..&to=.. (microseconds from the trace's start) opens the page on that stretch.
if (OPTIONS.from !== undefined && OPTIONS.to !== undefined) {
  view.v0 = Number(OPTIONS.from) / RAW.tick; view.v1 = Number(OPTIONS.to) / RAW.tick;
}
layout();
clampView();
draw();
// #hover=X,Y (canvas pixels) writes the details the pointer there would show, for tests.
if (OPTIONS.hover) {
  var at = OPTIONS.hover.split(',').map(Number), probe = hit(at[0], at[1]);
  if (probe) describe(probe);
  document.body.setAttribute('data-hover', probe ? Array.prototype.map.call(tip.children, function (row) { return row.textContent; }).join(' | ') : '');
}
`;
