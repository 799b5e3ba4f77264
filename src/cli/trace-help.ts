// The help text of `ranks trace`.

/** `ranks trace --help`. */
export const TRACE_HELP = `ranks trace — the timeline page of a trace: one self-contained HTML file

Usage:
  ranks trace TRACE.json [-o PAGE.html]    TRACE.json: a Chrome trace-event file, as
                                           ranks run --trace writes it (Perfetto's format)

Options:
  -o, --output PAGE   the page to write (default: TRACE with .html for .json)
  --title TEXT        the page's title (default: the trace's file name)
  -h, --help          this help

The page needs no network: open it in any browser. It draws a lane per rank (and per
pool worker), the spans of sends, receives, waits, collectives and tasks, an arrow from
each send to the receive that took it, and a band per collective call. Zoom with the
wheel or +/-, pan by dragging or with the arrow keys; hover for name, peer, tag, bytes
and duration.

Exit status: 0 when the page was written; 1 when TRACE cannot be read or is not a
trace (ERR_INVALID_ARG), 2 on a usage error.
`;
