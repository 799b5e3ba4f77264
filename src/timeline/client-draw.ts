// The page's script, part 2 of 3: drawing one frame on the canvas. Only what is in view is
// visited (binary search on each row's sorted starts), and level of detail keeps a frame's
// work near the number of pixels, not of events: spans narrower than a pixel collapse into
// one pixel column (the search jumps to the next column), and of the arrows leaving one
// pixel column only one per pair of lanes is drawn. `#lod=off` in the URL draws everything.

/** Browser JavaScript: `draw()` and the view state it reads. */
export const CLIENT_DRAW = String.raw`
var GUTTER = 150, AXIS = 24, LANEGAP = 6;
var canvas = document.getElementById('timeline');
var ctx = canvas.getContext('2d');
var W = 0, H = 0, dpr = 1, totalH = 0;
var OPTIONS = {};
location.hash.slice(1).split('&').forEach(function (p) { var kv = p.split('='); if (kv[0]) OPTIONS[kv[0]] = decodeURIComponent(kv[1] || ''); });
var LOD = OPTIONS.lod !== 'off';
var view = { v0: 0, v1: Math.max(T.end, 1), top: 0 };
var stats = { lanes: 0, spans: 0, arrows: 0, bands: 0, marks: 0, ms: 0 };

function layout() {
  var y = AXIS;
  for (var i = 0; i < T.lanes.length; i++) { var l = T.lanes[i]; l.y = y; l.h = l.rows * ROWH; y += l.h + LANEGAP; }
  totalH = y;
  var box = canvas.getBoundingClientRect();
  dpr = window.devicePixelRatio || 1;
  W = Math.max(300, Math.floor(box.width));
  H = Math.max(120, Math.floor(box.height));
  canvas.width = Math.floor(W * dpr);
  canvas.height = Math.floor(H * dpr);
}

function scale() { return (W - GUTTER) / (view.v1 - view.v0); }
function xOf(t, k) { return GUTTER + (t - view.v0) * k; }
function laneTop(l) { return l.y - view.top; }

function drawBands(k) {
  var b = T.bands, i = lowerBound(b.s, view.v0 - b.max, 0, b.n), lastPx = -1e9;
  for (; i < b.n && b.s[i] <= view.v1; i++) {
    if (b.e[i] < view.v0) continue;
    var x0 = xOf(b.s[i], k), x1 = xOf(b.e[i], k);
    if (LOD && x1 - x0 < 1 && Math.floor(x0) === lastPx) continue;
    lastPx = Math.floor(x0);
    var lo = T.lanes[b.lo[i]], hi = T.lanes[b.hi[i]];
    var y0 = laneTop(lo) - 2, y1 = laneTop(hi) + hi.h + 2;
    ctx.fillStyle = 'rgba(142,107,209,0.16)';
    ctx.fillRect(x0, y0, Math.max(1, x1 - x0), y1 - y0);
    if (x1 - x0 > 3) { ctx.fillStyle = 'rgba(142,107,209,0.55)'; ctx.fillRect(x0, y0, 1, y1 - y0); ctx.fillRect(x1 - 1, y0, 1, y1 - y0); }
    stats.bands++;
  }
}

function drawTrack(tr, k) {
  var lane = T.lanes[tr.lane], y = laneTop(lane) + tr.row * ROWH;
  if (y + ROWH < AXIS || y > H) return;
  var s = tr.s, d = tr.d, n = s.length, i = lowerBound(s, view.v0, 0, n), lastPx = -1e9, fill = '';
  if (i > 0) i--;
  while (i < n) {
    var st = s[i];
    if (st > view.v1) break;
    var en = st + d[i];
    if (en < view.v0) { i++; continue; }
    var style = T.styles[tr.k[i]];
    if (style.colour !== fill) { fill = style.colour; ctx.fillStyle = fill; }
    var x0 = xOf(st, k), x1 = xOf(en, k);
    if (!LOD || x1 - x0 >= 1) {
      var a = Math.max(x0, GUTTER - 2), b = Math.min(x1, W + 2);
      ctx.fillRect(a, y + 1, Math.max(1, b - a), ROWH - 2);
      if (style.open) { ctx.strokeStyle = '#d64545'; ctx.lineWidth = 2; ctx.strokeRect(a + 1, y + 2, Math.max(1, b - a - 2), ROWH - 4); }
      if (b - a > 36) {
        ctx.fillStyle = '#fff';
        var room = Math.floor((b - a - 6) / 6.2), label = style.name.length > room ? style.name.slice(0, Math.max(0, room - 1)) + '\u2026' : style.name;
        ctx.fillText(label, a + 3, y + ROWH - 4);
        fill = '#fff';
      }
      stats.spans++;
      i++;
    } else {
      var px = Math.floor(x0);
      if (px !== lastPx) { ctx.fillRect(px, y + 1, 1, ROWH - 2); lastPx = px; stats.spans++; }
      i = lowerBound(s, view.v0 + (px + 1 - GUTTER) / k, i + 1, n);
    }
  }
}

function drawArrows(k) {
  var a = T.arrows, L = T.lanes.length, seen = LOD && L <= 1024 ? new Int32Array(L * L).fill(-1e9) : null;
  var i = lowerBound(a.ft, view.v0 - a.max, 0, a.n);
  ctx.beginPath();
  for (; i < a.n && a.ft[i] <= view.v1 + a.max; i++) {
    var f = a.ft[i], t = a.tt[i];
    if (Math.min(f, t) > view.v1 || Math.max(f, t) < view.v0) continue;
    var x0 = xOf(f, k), x1 = xOf(t, k);
    if (seen) {
      var key = a.fl[i] * L + a.tl[i], px = Math.floor(x0 / 3);
      if (seen[key] === px) continue;
      seen[key] = px;
    }
    var y0 = laneTop(T.lanes[a.fl[i]]) + (Math.min(a.fr[i], MAXROWS - 1) + 0.5) * ROWH, y1 = laneTop(T.lanes[a.tl[i]]) + (Math.min(a.tr[i], MAXROWS - 1) + 0.5) * ROWH;
    ctx.moveTo(x0, y0);
    ctx.lineTo(x1, y1);
    var len = Math.hypot(x1 - x0, y1 - y0);
    if (len > 12) {
      var ux = (x1 - x0) / len, uy = (y1 - y0) / len;
      ctx.moveTo(x1 - 7 * ux - 3 * uy, y1 - 7 * uy + 3 * ux);
      ctx.lineTo(x1, y1);
      ctx.lineTo(x1 - 7 * ux + 3 * uy, y1 - 7 * uy - 3 * ux);
    }
    stats.arrows++;
  }
  // Dense arrows (the whole of a long job) fade, to leave the spans under them readable.
  ctx.strokeStyle = stats.arrows > 1500 ? 'rgba(30,30,30,0.18)' : 'rgba(30,30,30,0.55)';
  ctx.lineWidth = 1;
  ctx.stroke();
}

// Instants: where each rank stopped (grey for a clean exit), a failure (red).
function drawMarks(k) {
  for (var i = 0; i < T.marks.length; i++) {
    var m = T.marks[i], x = xOf(m[1], k), y = laneTop(T.lanes[m[0]]);
    if (x < GUTTER - 6 || x > W + 6) continue;
    ctx.fillStyle = m[3] && m[3].reason === 'exit' ? '#888' : '#d64545';
    ctx.fillRect(x - 1, y, 2, T.lanes[m[0]].h);
    ctx.beginPath(); ctx.moveTo(x, y + 6); ctx.lineTo(x - 5, y); ctx.lineTo(x + 5, y); ctx.closePath(); ctx.fill();
    stats.marks++;
  }
}

// Tick marks at 1, 2 or 5 times a power of ten, about every 100 pixels.
function drawAxis(k, grid) {
  var want = 100 / k, p = Math.pow(10, Math.floor(Math.log10(want))), step = p;
  if (want / p > 5) step = 10 * p; else if (want / p > 2) step = 5 * p; else if (want / p > 1) step = 2 * p;
  if (!grid) { ctx.fillStyle = '#f4f4f6'; ctx.fillRect(0, 0, W, AXIS); }
  ctx.fillStyle = '#555'; ctx.strokeStyle = grid ? '#e6e6ea' : '#999'; ctx.lineWidth = 1;
  ctx.beginPath();
  for (var t = Math.ceil(view.v0 / step) * step; t <= view.v1; t += step) {
    var x = Math.round(xOf(t, k)) + 0.5;
    if (x < GUTTER) continue;
    ctx.moveTo(x, grid ? AXIS : AXIS - 6); ctx.lineTo(x, grid ? H : AXIS);
    if (!grid) ctx.fillText(formatTime(t), x + 3, AXIS - 9);
  }
  ctx.stroke();
}

function drawGutter() {
  ctx.fillStyle = '#f4f4f6'; ctx.fillRect(0, AXIS, GUTTER, H - AXIS);
  ctx.fillStyle = '#222';
  stats.lanes = 0;
  for (var i = 0; i < T.lanes.length; i++) {
    var l = T.lanes[i], y = laneTop(l);
    if (y + l.h < AXIS || y > H) continue;
    var name = l.name.length > 22 ? l.name.slice(0, 21) + '\u2026' : l.name;
    ctx.fillText(name, 8, y + ROWH - 4);
    stats.lanes++;
  }
}

function draw() {
  var began = performance.now();
  stats.spans = stats.arrows = stats.bands = stats.marks = 0;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.font = '11px system-ui, sans-serif';
  ctx.clearRect(0, 0, W, H);
  var k = scale();
  ctx.save();
  ctx.beginPath(); ctx.rect(GUTTER, AXIS, W - GUTTER, H - AXIS); ctx.clip();
  ctx.fillStyle = '#fafafb';
  for (var i = 0; i < T.lanes.length; i += 2) { var l = T.lanes[i]; ctx.fillRect(GUTTER, laneTop(l) - LANEGAP / 2, W, l.h + LANEGAP); }
  drawAxis(k, true);
  drawBands(k);
  for (var j = 0; j < T.tracks.length; j++) drawTrack(T.tracks[j], k);
  drawArrows(k);
  drawMarks(k);
  ctx.restore();
  drawAxis(k, false);
  drawGutter();
  stats.ms = performance.now() - began;
  summarise();
}
`;
