// A worker of spawn-farm.ts: asks its manager (getParent()) for work until it gets the
// poison pill, running the kernel on each input it is handed. argv: the inputs' directory.
import { execFileSync } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getParent, world } from 'ranks';

const dir = process.argv[2]!;
const manager = getParent()!;
const me = world().rank;
const kernel = fileURLToPath(new URL('./mmul.sh', import.meta.url));
console.log(`Worker: ${me}`);
for (;;) {
  await manager.send('ready', 0, { tag: 1 });
  const inp = (await manager.recv({ source: 0, tag: 2 })) as string;
  if (inp === 'stop') break;
  console.log(`worker ${me} executing ${inp}`);
  // ./mmul.x < inp > inp.out
  const stdin = openSync(join(dir, inp), 'r');
  const stdout = openSync(join(dir, `${inp}.out`), 'w');
  execFileSync('sh', [kernel], { stdio: [stdin, stdout, 'inherit'] });
  closeSync(stdin);
  closeSync(stdout);
}
await manager.free();
