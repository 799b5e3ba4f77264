// The one place where a rank (thread, process or MPI rank) or a pool worker registers the
// TypeScript loader: tsx's ESM and CommonJS hooks, once per thread however many modules
// ask for it.

let registered: Promise<void> | undefined;

/** True for a URL or path that names a TypeScript module (`.ts`, `.mts`, `.cts`, `.tsx`). */
export function isTypeScript(urlOrPath: string): boolean {
  const path = urlOrPath.startsWith('file:') ? new URL(urlOrPath).pathname : urlOrPath;
  return /\.[cm]?tsx?$/.test(path);
}

/** Registers tsx in this thread (once): TypeScript modules import from then on. */
export function registerTypeScript(): Promise<void> {
  registered ??= Promise.all([import('tsx/esm/api'), import('tsx/cjs/api')]).then(([esm, cjs]) => {
    esm.register();
    cjs.register();
  });
  return registered;
}
