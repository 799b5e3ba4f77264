import type { MessagePort } from 'node:worker_threads';
import { EXITS, LEFTOVER, LINKS, STATE, WaitState, slot, wake } from './control.ts';
import type { ToLauncher, ToRank } from './messages.ts';

// The supervisor's side of the threads transport: what it writes into the control block
// (and posts to the ranks) so that ranks can find each other's rings and learn of exits.

/**
 * Hands each new ring to its receiver and each grown scratch segment to every other rank,
 * then bumps the receiver's LINKS and rings it, so a rank picks them up without an
 * event-loop turn. Returns false for messages that are not about setup. `rings`, when
 * given, collects every ring by receiver, for the deadlock detector.
 */
export function forwardSetup(m: ToLauncher, ports: readonly (MessagePort | undefined)[], ctl: Int32Array, rings?: SharedArrayBuffer[][]): boolean {
  if (m.type === 'link') {
    (rings?.[m.to] ?? []).push(m.ring);
    const forward: ToRank = { type: 'link', from: m.from, ring: m.ring, bulk: m.bulk };
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

/**
 * Marks `rank` Exited and tells every other rank of `ranks` (bumps its EXITS and rings it):
 * each learns of it on its next look, and a receive from it then fails with
 * PeerExitedError once its rings are drained. Call it after the rank's last setup
 * messages were forwarded.
 */
export function announceExit(ctl: Int32Array, rank: number, ranks: number): void {
  Atomics.store(ctl, slot(rank, STATE), WaitState.Exited);
  for (let r = 0; r < ranks; r++) {
    if (r === rank) continue;
    Atomics.add(ctl, slot(r, EXITS), 1);
    wake(ctl, r);
  }
}

/** The messages `rank` left unreceived as it exited (it writes LEFTOVER then). */
export function leftoverOf(ctl: Int32Array, rank: number): number {
  return Atomics.load(ctl, slot(rank, LEFTOVER));
}
