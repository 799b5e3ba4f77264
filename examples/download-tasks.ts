// The task of futures-downloads.ts: fetches a page in an executor's worker.

/** Seed 001's `load_url(url, timeout)`: the page's bytes; an HTTP error status throws. */
export async function loadUrl(url: string, timeout: number): Promise<Uint8Array> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeout) });
  if (!res.ok) throw new Error(`HTTP Error ${res.status}: ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}
