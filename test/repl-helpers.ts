// Driving `ranks repl` at a real terminal: script(1) (util-linux) runs it on a pseudo-
// terminal, so Node's REPL sees a TTY (raw mode, Ctrl-C as a key, history). The test
// types into script's stdin and waits for text to appear, never for a fixed time.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

const bin = new URL('../bin/ranks.js', import.meta.url).pathname;

/** Why a terminal cannot be had here, or undefined when script(1) works. */
export function noTerminal(): string | undefined {
  const r = spawnSync('script', ['-qfc', 'true', '/dev/null'], { stdio: 'ignore' });
  if (r.error) return `script(1) from util-linux is not installed (${r.error.message})`;
  return r.status === 0 ? undefined : `script(1) cannot open a pseudo-terminal here (exit ${r.status})`;
}

/** Terminal escapes (colours, cursor moves) and carriage returns, which the tests do not read. */
function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

/** `ranks repl ARGS` on a pseudo-terminal. */
export class Terminal {
  private readonly child: ChildProcess;
  /** Everything shown so far, without terminal escapes. */
  text = '';
  /** Where the next wait starts looking. */
  private at = 0;
  private waiters: (() => boolean)[] = [];
  /** Resolves with the exit status once the session (and script) has ended. */
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    const command = [process.execPath, bin, 'repl', ...args].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(' ');
    // -e: script exits with the command's status.
    this.child = spawn('script', ['-qefc', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...env, TERM: 'dumb' } });
    const take = (d: Buffer): void => {
      this.text += plain(d.toString());
      this.waiters = this.waiters.filter((w) => !w());
    };
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Resolves once `text` is shown after the last thing waited for; returns what was shown up to it. */
  waitFor(text: string): Promise<string> {
    return new Promise((resolve) => {
      const look = (): boolean => {
        const i = this.text.indexOf(text, this.at);
        if (i < 0) return false;
        const seen = this.text.slice(this.at, i + text.length);
        this.at = i + text.length;
        resolve(seen);
        return true;
      };
      if (!look()) this.waiters.push(look);
    });
  }

  /** Types `keys` (a line ends with '\r', as Enter sends it; Ctrl-C is '\x03'). */
  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  /** Ends script(1) and the session under it, if still running. */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
