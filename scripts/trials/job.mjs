// Runs one job for scripts/trials.ts and writes "RESULT <json>": how it ended, and when.
import { writeSync } from 'node:fs';
import { launch } from 'ranks';

const [script, transport, size, ...args] = process.argv.slice(2);
const start = Date.now();
let out;
try {
  const r = await launch({ size: Number(size), script, transport, args });
  out = { ok: true, exitCodes: r.exitCodes };
} catch (e) {
  out = {
    code: e?.code,
    rank: e?.rank,
    exitCode: e?.exitCode,
    signal: e?.signal,
    causeCode: e?.cause?.code,
    waits: e?.waits?.length,
    message: String(e?.message).split('\n')[0],
  };
}
writeSync(1, `RESULT ${JSON.stringify({ ...out, start, end: Date.now() })}\n`);
