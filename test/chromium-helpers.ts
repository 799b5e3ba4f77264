// A real headless browser for the timeline page's tests: Debian's `chromium`
// (scripts/install-browser.sh installs it; CI runs that). Where none is found, the tests
// that need one skip with the reason.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnOutput } from './helpers.ts';

/** The browser: $RANKS_CHROMIUM, else the first of chromium, chromium-browser, google-chrome on the PATH. */
export function findChromium(): string | undefined {
  const candidates = [process.env.RANKS_CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'].filter((c): c is string => !!c);
  for (const c of candidates) {
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore', timeout: 60_000 });
      return c;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/** Why the browser tests skip here, or undefined when they run. */
export function noChromium(browser: string | undefined): string | undefined {
  return browser ? undefined : 'no headless Chromium here (run scripts/install-browser.sh, or set RANKS_CHROMIUM to a Chrome/Chromium binary)';
}

/** A page's address, with `hash` (`lod=off`, `from=0&to=300`). */
export function pageUrl(path: string, hash = ''): string {
  return `${pathToFileURL(path).href}${hash ? `#${hash}` : ''}`;
}

// The page draws on load; virtual time runs its frame callbacks without real waiting.
async function headless(browser: string, args: string[]): Promise<string> {
  const profile = mkdtempSync(join(tmpdir(), 'ranks-chromium-'));
  try {
    const r = await spawnOutput(
      browser,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--hide-scrollbars',
        `--user-data-dir=${profile}`,
        '--virtual-time-budget=10000',
        ...args,
      ],
      { timeoutMs: 400_000 },
    );
    if (r.code !== 0) throw new Error(`${browser} ${args.join(' ')} exited ${r.code}:\n${r.stderr.slice(-2000)}`);
    return r.stdout;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** The `data-*` attributes the page wrote on <body> after drawing, read back from the browser's DOM. */
export async function pageSummary(browser: string, url: string, size = '1400,500'): Promise<Record<string, string>> {
  const dom = await headless(browser, [`--window-size=${size}`, '--dump-dom', url]);
  const body = /<body([^>]*)>/.exec(dom);
  if (!body) throw new Error(`no <body> in the browser's DOM:\n${dom.slice(0, 500)}`);
  return Object.fromEntries([...body[1]!.matchAll(/data-([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
}

/** A screenshot of the page (PNG, `size` = `width,height` CSS pixels) at `path`. */
export async function screenshot(browser: string, url: string, path: string, size = '1400,500'): Promise<void> {
  await headless(browser, [`--window-size=${size}`, `--screenshot=${path}`, url]);
}

/** A PNG's width and height, from its IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  if (png.length < 24 || png.toString('latin1', 1, 4) !== 'PNG') throw new Error('not a PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
