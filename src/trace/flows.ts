// Which receive took which send. MPI's rule: messages of one (context, source, tag) never
// overtake each other, so at receiver d the k-th completed receive of source s's messages
// of (context, tag) took s's k-th send to d of (context, tag). Each rank numbers its sends
// per (context, dest, tag) as it posts them and its receives per (context, source, tag) as
// they complete (recorder.ts); here the two numbers meet. Nothing travels in the envelope.
import type { Part, RawSpan } from './events.ts';

/** The flow ids: one per send that a receive in the trace took (the same id on both spans). */
export function pairFlows(parts: readonly Part[]): Map<RawSpan, number> {
  const sends = new Map<string, RawSpan>();
  const ids = new Map<RawSpan, number>();
  const key = (ctx: number, from: number, to: number, tag: unknown, seq: number): string => `${ctx}:${from}>${to}:${String(tag)}#${seq}`;
  for (const p of parts)
    for (const s of p.spans)
      if (s.out === true && s.seq !== undefined && s.ctx !== undefined && s.peerWorld !== undefined)
        sends.set(key(s.ctx, p.rank, s.peerWorld, s.args.tag, s.seq), s);
  let next = 1;
  for (const p of parts)
    for (const r of p.spans) {
      if (r.out !== false || r.seq === undefined || r.ctx === undefined || r.peerWorld === undefined) continue;
      const s = sends.get(key(r.ctx, r.peerWorld, p.rank, r.args.tag, r.seq));
      if (!s) continue;
      ids.set(s, next);
      ids.set(r, next++);
    }
  return ids;
}
