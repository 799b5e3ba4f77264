// Spans of one rank overlap without nesting when operations run concurrently (an isend
// pending beside an irecv). A trace viewer wants the spans of one thread lane nested, so
// each rank's spans are packed into sub-lanes (Chrome `tid`s): a span goes to the first
// sub-lane where it nests inside, or follows, what is there.
import type { RawSpan } from './events.ts';

/** A span with its closing time known. */
export type Closed = RawSpan & { t1: number };

/** The sub-lane (0, 1, ...) of each span; spans within one sub-lane nest. */
export function packLanes(spans: readonly Closed[]): Map<Closed, number> {
  const order = [...spans].sort((a, b) => a.t0 - b.t0 || b.t1 - a.t1);
  const stacks: number[][] = [];
  const lane = new Map<Closed, number>();
  for (const s of order) {
    let i = 0;
    for (; i < stacks.length; i++) {
      const stack = stacks[i]!;
      while (stack.length > 0 && stack[stack.length - 1]! <= s.t0) stack.pop();
      if (stack.length === 0 || stack[stack.length - 1]! >= s.t1) break;
    }
    if (i === stacks.length) stacks.push([]);
    stacks[i]!.push(s.t1);
    lane.set(s, i);
  }
  return lane;
}
