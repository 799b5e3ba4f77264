import type { MessagePort } from 'node:worker_threads';
import { LINKS, slot, wake } from '../transport/threads/control.ts';
import type { ToLauncher, ToRank } from '../transport/threads/messages.ts';

/**
 * The launcher's part in setting up shared memory between ranks: it hands each new
 * ring to its receiver and each grown scratch segment to every other rank, then bumps
 * the receiver's LINKS and rings it, so a rank picks them up without an event-loop turn.
 * Returns false for messages that are not about setup. `rings`, when given, collects every
 * ring by receiver, for the deadlock detector.
 */
export function forwardSetup(m: ToLauncher, ports: readonly (MessagePort | undefined)[], ctl: Int32Array, rings?: SharedArrayBuffer[][]): boolean {
  if (m.type === 'link') {
    (rings?.[m.to] ?? []).push(m.ring);
    const forward: ToRank = { type: 'link', from: m.from, ring: m.ring };
    ports[m.to]?.postMessage(forward);
    Atomics.add(ctl, slot(m.to, LINKS), 1);
    wake(ctl, m.to);
    return true;
  }
  // A window's memory, handed to one rank (src/win/threads.ts).
  if (m.type === 'share') {
    ports[m.to]?.postMessage(m satisfies ToRank);
    Atomics.add(ctl, slot(m.to, LINKS), 1);
    wake(ctl, m.to);
    return true;
  }
  if (m.type === 'segment') {
    for (let r = 0; r < ports.length; r++) {
      if (r === m.from) continue;
      ports[r]?.postMessage(m satisfies ToRank);
      Atomics.add(ctl, slot(r, LINKS), 1);
      wake(ctl, r);
    }
    return true;
  }
  return false;
}
