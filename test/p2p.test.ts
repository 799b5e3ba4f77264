import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runFixture, HANGS } from './helpers.ts';

// Every case runs on 2 ranks and on 4 (more ranks than this machine's 2 cores).
const cases: [string, string][] = [
  ['a ring of objects keeps Map, Set, Date, BigInt and nested typed arrays', 'objects-ring.ts'],
  ["the codec's packed shapes (number arrays, strings, records) and their fallbacks arrive intact", 'codec-shapes.ts'],
  ['typed arrays of every kind keep their kind; into fills in place', 'typed-kinds.ts'],
  ['ANY_SOURCE fan-in fills status and keeps per-sender order', 'fan-in.ts'],
  ['10^4 messages per pair keep their order with interleaved tags', 'order.ts'],
  ['truncation keeps the message; unserializable values and bad ranks or tags are coded errors', 'errors.ts'],
  ['probe, iprobe, waitAll, waitAny, testAll, cancel, self-send, sendrecv, PROC_NULL', 'probe-requests.ts'],
  ['recv and probe timeout and signal', 'timeouts.ts'],
  ['messages larger than a ring, both ways at once', 'large.ts'],
  ['large messages copied straight from the sender: reusable once sent, taken late, split, from a finished sender', 'one-copy.ts'],
  ['large messages from several senders interleaved with small ones, unexpected, synchronous, truncated (the message stays)', 'large-many.ts'],
  ['a refused message goes to the next posted receive that fits, and stays first for a wildcard', 'refused.ts'],
  ['sendrecv refuses an aliased into; sendrecvReplace swaps through one buffer; translateRanks keeps PROC_NULL', 'sendrecv-replace.ts'],
  ['ssend and issend finish only once a receive matched them (not before it is posted); ssendInit', 'ssend.ts'],
  ['persistent requests: sendInit, recvInit, start, startAll, free; starting an active one is ERR_INVALID_STATE', 'persistent.ts'],
  ['mprobe and improbe: a matched message cannot be stolen by another receive; Message.recv once', 'mprobe.ts'],
  ['testAny, waitSome, testSome and the REQUEST_NULL rule; reduceLocal and op.apply', 'request-some.ts'],
];

// The same suite on both transports of one machine: threads (shared memory) and processes (sockets).
for (const transport of ['threads', 'processes'] as const) {
  for (const size of [2, 4]) {
    describe(`point-to-point on ${size} ranks (${transport})`, { timeout: HANGS }, () => {
      for (const [title, file] of cases) {
        test(title, async () => {
          const { exitCodes } = await runFixture(file, size, [], transport);
          assert.deepEqual(exitCodes, Array(size).fill(0));
        });
      }
    });
  }

  describe(`point-to-point on 3 ranks (odd size, ${transport})`, { timeout: HANGS }, () => {
    test('fan-in and ordering', async () => {
      await runFixture('fan-in.ts', 3, [], transport);
      await runFixture('probe-requests.ts', 3, [], transport);
      await runFixture('mprobe.ts', 3, [], transport);
      await runFixture('ssend.ts', 3, [], transport);
    });
  });
}

// Where one copy is off (RANKS_ONE_COPY=0, or koffi cannot load), large messages between
// threads go through the link's shared area: the same fixtures, on that path.
describe('point-to-point large messages with one copy off (threads, through the shared area)', { timeout: HANGS }, () => {
  for (const file of ['large.ts', 'one-copy.ts', 'large-many.ts', 'mprobe.ts', 'ssend.ts']) {
    test(file, async () => {
      process.env.RANKS_ONE_COPY = '0';
      try {
        const { exitCodes } = await runFixture(file, 4);
        assert.deepEqual(exitCodes, [0, 0, 0, 0]);
      } finally {
        delete process.env.RANKS_ONE_COPY;
      }
    });
  }
});
