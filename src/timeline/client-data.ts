// The page's script, part 1 of 3 (plain browser JavaScript, no imports, no template
// literals): decodes the trace data the page embeds (data.ts) into typed arrays, and the
// helpers drawing and hovering share (binary search, colours, time and byte formats).

/** Browser JavaScript: decoding and shared helpers. Defines `T` (the decoded timeline). */
export const CLIENT_DATA = String.raw`
var RAW = JSON.parse(document.getElementById('timeline-data').textContent);
var MAXROWS = 12;
var ROWH = 16;

function cumulative(list) {
  var out = new Float64Array(list.length), t = 0;
  for (var i = 0; i < list.length; i++) { t += list[i]; out[i] = t; }
  return out;
}

// The first index in sorted a[lo, hi) whose value is >= v.
function lowerBound(a, v, lo, hi) {
  while (lo < hi) { var mid = (lo + hi) >>> 1; if (a[mid] < v) lo = mid + 1; else hi = mid; }
  return lo;
}

function colourOf(name, cat) {
  var c = (cat + ',' + name).toLowerCase();
  if (/collective|barrier|bcast|reduce|gather|scatter|alltoall|scan/.test(c)) return '#8e6bd1';
  if (/wait|block|probe|sleep|idle/.test(c)) return '#e39a3b';
  if (/recv|receive/.test(c)) return '#3c9a5f';
  if (/send|put|get|message/.test(c)) return '#3a78c9';
  if (/task|pool|map|submit/.test(c)) return '#23a39c';
  if (/error|fail|abort|dead/.test(c)) return '#d64545';
  var h = 0;
  for (var i = 0; i < c.length; i++) h = (h * 31 + c.charCodeAt(i)) >>> 0;
  return 'hsl(' + (h % 360) + ',45%,55%)';
}

// Ticks (RAW.tick microseconds each) as people read them.
function formatTime(ticks) {
  var us = ticks * RAW.tick, a = Math.abs(us);
  function f(v) { return (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2)); }
  if (a === 0) return '0';
  if (a < 1) return f(us * 1000) + ' ns';
  if (a < 1000) return f(us) + ' \u00b5s';
  if (a < 1e6) return f(us / 1000) + ' ms';
  return f(us / 1e6) + ' s';
}

function formatBytes(b) {
  if (typeof b !== 'number') return String(b);
  if (b < 1024) return b + ' B';
  if (b < 1048576) return (b / 1024).toFixed(1) + ' KiB';
  if (b < 1073741824) return (b / 1048576).toFixed(1) + ' MiB';
  return (b / 1073741824).toFixed(2) + ' GiB';
}

function decode(raw) {
  var lanes = raw.lanes.map(function (l) { return { name: l[0], rows: Math.min(l[1], MAXROWS), y: 0, h: 0, tracks: [] }; });
  var styles = raw.styles.map(function (s) { return { name: s[0], cat: s[1], args: s[2], open: s[3] === 1, colour: colourOf(s[0], s[1]) }; });
  var tracks = raw.tracks.map(function (t) {
    var row = Math.min(t[1], MAXROWS - 1);
    var track = { lane: t[0], row: row, s: cumulative(t[2]), d: Float64Array.from(t[3]), k: Int32Array.from(t[4]) };
    lanes[t[0]].tracks.push(track);
    return track;
  });
  var a = raw.arrows;
  var ft = cumulative(a[1]), tt = new Float64Array(ft.length), maxArrow = 0;
  for (var i = 0; i < ft.length; i++) { tt[i] = ft[i] + a[3][i]; if (Math.abs(a[3][i]) > maxArrow) maxArrow = Math.abs(a[3][i]); }
  var b = raw.bands;
  var bs = cumulative(b[0]), be = new Float64Array(bs.length), maxBand = 0;
  for (var j = 0; j < bs.length; j++) { be[j] = bs[j] + b[1][j]; if (b[1][j] > maxBand) maxBand = b[1][j]; }
  var spans = 0, open = 0;
  for (var n = 0; n < tracks.length; n++) {
    spans += tracks[n].s.length;
    for (var o = 0; o < tracks[n].k.length; o++) if (styles[tracks[n].k[o]].open) open++;
  }
  return {
    lanes: lanes, styles: styles, tracks: tracks, spans: spans, open: open, end: raw.end, marks: raw.marks,
    arrows: { fl: Int32Array.from(a[0]), ft: ft, tl: Int32Array.from(a[2]), tt: tt, fr: Int32Array.from(a[4]), tr: Int32Array.from(a[5]), max: maxArrow, n: ft.length },
    bands: { s: bs, e: be, name: b[2].map(function (k) { return raw.bandNames[k]; }), lo: Int32Array.from(b[3]), hi: Int32Array.from(b[4]), count: b[5], max: maxBand, n: bs.length },
  };
}

var T = decode(RAW);
RAW.tracks = null;
`;
