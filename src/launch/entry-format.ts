// Module hooks (node:module register) that load one file, the rank's entry script, as an
// ES module whatever its package.json says; see script-loader.ts. Every other file keeps the
// format the next hooks (tsx, then Node) give it.

interface Resolved {
  url: string;
  format?: string | null | undefined;
  [key: string]: unknown;
}
type NextResolve = (specifier: string, context: unknown) => Promise<Resolved>;

let entry: string | undefined;

/** Receives the entry script's file URL from register()'s `data`. */
export function initialize(data: { url: string }): void {
  entry = data.url;
}

/** Marks the entry script (its URL without query or hash, which tsx may add) as `module`. */
export async function resolve(specifier: string, context: unknown, nextResolve: NextResolve): Promise<Resolved> {
  const resolved = await nextResolve(specifier, context);
  if (entry !== undefined && resolved.url.replace(/[?#].*$/, '') === entry) return { ...resolved, format: 'module' };
  return resolved;
}
