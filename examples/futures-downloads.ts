// TypeScript twin of seed 001's concurrent.futures example: download pages on an executor
// and report each as it completes. The pages come from a local server started here (each
// answers after its own delay, one does not exist), so it runs anywhere.
//
//   npx tsx examples/futures-downloads.ts
//
// Python:  future_to_url = {executor.submit(load_url, url, 60): url for url in URLS}
//          for future in concurrent.futures.as_completed(future_to_url): ...
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Executor, asCompleted, tasks, type Future } from 'ranks';

const dl = tasks<typeof import('./download-tasks.ts')>(new URL('./download-tasks.ts', import.meta.url));

// path -> [delay in ms, page size in bytes]
const pages = new Map<string, [delay: number, bytes: number]>([
  ['/foxnews', [120, 5300]],
  ['/cnn', [20, 1100]],
  ['/europe.wsj', [80, 2400]],
  ['/bbc', [0, 700]],
]);
const server = createServer((req, res) => {
  const page = pages.get(req.url ?? '');
  if (!page) return void res.writeHead(404).end();
  setTimeout(() => res.end('x'.repeat(page[1])), page[0]);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const URLS = [...pages.keys(), '/some-made-up-page'].map((path) => base + path);

{
  // `await using` shuts the executor down at the end of the block, like Python's `with`.
  await using executor = new Executor({ maxWorkers: 5 });
  // Start the load operations and mark each future with its URL.
  const futureToUrl = new Map<Future<Uint8Array>, string>(URLS.map((url) => [executor.submit(dl.loadUrl, url, 60_000), url]));
  for await (const future of asCompleted(futureToUrl.keys())) {
    // asCompleted yields the Futures themselves; `.future` is the same object, typed for the Map.
    const url = futureToUrl.get(future.future);
    try {
      const data = await future.result();
      console.log(`'${url}' page is ${data.length} bytes`);
    } catch (exc) {
      console.log(`'${url}' generated an exception: ${(exc as Error).message}`);
    }
  }
}
server.close();
