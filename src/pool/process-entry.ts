// The first module of every Process's worker: revives the shared primitives among the
// arguments, runs the target (awaiting it), ends the processes it started, and ends the
// thread with its exit code, as Python's process does when its target returns.
import { inspect } from 'node:util';
import { workerData } from 'node:worker_threads';
import { revive } from '../sync/revivable.ts';
import { explainInline, loadTask } from './load.ts';
import { endChildren } from './process.ts';
import type { ProcessInit } from './protocol.ts';

const { module, name, args, processName } = (workerData as { ranksProcess: ProcessInit }).ranksProcess;

let code = 0;
try {
  const fn = await loadTask(module, name);
  await fn(...revive<unknown[]>(args));
} catch (err) {
  code = 1;
  // Python prints the traceback under `Process <name>:`; the write is flushed before the exit.
  const report = `Process ${processName}:\n${inspect(explainInline(err, module === null ? name : null))}\n`;
  await new Promise((resolve) => process.stderr.write(report, resolve));
}
// As Python's process does on exit: daemon children terminated, the others waited for.
await endChildren();
// Ends the thread even if the target left timers or handles behind; a target that set
// process.exitCode and returned keeps it.
process.exit(code === 0 ? process.exitCode : code);
