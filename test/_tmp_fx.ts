import { launch } from 'ranks';
for (const transport of ['threads', 'processes'] as const) for (const size of [2, 4]) {
  const r = await launch({ size, script: new URL('file:///work/wt-obj/test/fixtures/codec-shapes.ts'), transport, timeout: 300000 });
  console.log(transport, size, r.exitCodes);
}
