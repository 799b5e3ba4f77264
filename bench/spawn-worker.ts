// A worker of bench/spawn-rank.ts: one message from its parent, one back.
import { getParent } from 'ranks';

const parent = getParent()!;
await parent.send(((await parent.recv({ source: 0 })) as number) + 1, 0);
await parent.free();
