// revive() in a thread that may receive any shared primitive (a pool worker, a Process's
// thread): this module loads every primitive and registers each one's prototype, so a
// worker entry imports this instead of the whole public API for its side effects.
import { Barrier } from './barrier.ts';
import { Condition } from './condition.ts';
import { Event } from './event.ts';
import { Lock, RLock } from './lock.ts';
import { Connection } from './pipe.ts';
import { JoinableQueue, Queue, SimpleQueue } from './queue.ts';
import { BoundedSemaphore, Semaphore } from './semaphore.ts';
import { registerShared, revive } from './share.ts';
import { SharedArray, Value } from './value.ts';

/** Every shared primitive, by the type name its shared state carries. */
const PRIMITIVES = { Barrier, Condition, Event, Lock, RLock, Connection, Queue, JoinableQueue, SimpleQueue, Semaphore, BoundedSemaphore, Value, SharedArray };

for (const [type, ctor] of Object.entries(PRIMITIVES)) registerShared(type, ctor);

/** revive(), with every primitive's prototype registered. */
export { revive };
