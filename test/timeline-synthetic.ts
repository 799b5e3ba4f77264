// A synthetic Chrome trace of a ring exchange with known counts, for the timeline tests:
// on every rank, each step sends to the next rank and receives from the previous one (a
// flow arrow per message), the receive holding a nested wait; every `collectiveEvery`
// steps all ranks call allreduce.

/** What the synthetic trace holds. */
export interface SyntheticCounts {
  lanes: number;
  spans: number;
  arrows: number;
  bands: number;
  events: number;
}

/** A ring-exchange trace of `ranks` ranks with `steps` steps each; returns the events and their counts. */
export function ringTrace(ranks: number, steps: number, collectiveEvery = 100): { trace: { traceEvents: object[] }; counts: SyntheticCounts } {
  const events: object[] = [];
  let spans = 0;
  let bands = 0;
  for (let r = 0; r < ranks; r++) {
    events.push({ ph: 'M', name: 'process_name', pid: r, tid: 0, args: { name: `rank ${r}` } });
    events.push({ ph: 'M', name: 'thread_name', pid: r, tid: 0, args: { name: `rank ${r}` } });
  }
  for (let step = 0; step < steps; step++) {
    const t = step * 10;
    for (let r = 0; r < ranks; r++) {
      // Rank r's clock runs a little behind rank r+1's: messages take 2 µs.
      const next = (r + 1) % ranks;
      const prev = (r + ranks - 1) % ranks;
      const bytes = 8 * (1 + (step % 7));
      events.push({ ph: 'X', name: 'send', cat: 'p2p', ts: t + 0.5, dur: 1.5, pid: r, tid: 0, args: { peer: next, tag: 7, bytes } });
      events.push({ ph: 's', name: 'message', cat: 'p2p', id: `${r}:${step}`, ts: t + 1, pid: r, tid: 0 });
      events.push({ ph: 'X', name: 'recv', cat: 'p2p', ts: t + 2.5, dur: 3, pid: r, tid: 0, args: { peer: prev, tag: 7, bytes: 8 * (1 + (step % 7)) } });
      events.push({ ph: 'X', name: 'wait', cat: 'wait', ts: t + 2.6, dur: 1.2, pid: r, tid: 0 });
      events.push({ ph: 'f', bp: 'e', name: 'message', cat: 'p2p', id: `${prev}:${step}`, ts: t + 5, pid: r, tid: 0 });
      spans += 3;
      if (step % collectiveEvery === collectiveEvery - 1) {
        events.push({ ph: 'X', name: 'allreduce', cat: 'collective', ts: t + 6 + r * 0.1, dur: 3, pid: r, tid: 0, args: { root: -1, bytes: 8 } });
        spans++;
        if (r === 0) bands++;
      }
    }
  }
  return { trace: { traceEvents: events }, counts: { lanes: ranks, spans, arrows: ranks * steps, bands, events: events.length } };
}
