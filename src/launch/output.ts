import type { Readable, Writable } from 'node:stream';

/** Copies `from` to `to` line by line, each line prefixed with `[rank] `. */
export function prefixLines(from: Readable, to: Writable, rank: number): Promise<void> {
  const prefix = `[${rank}] `;
  let rest = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const text = rest + chunk;
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      rest = text;
      return;
    }
    rest = text.slice(cut + 1);
    to.write(prefix + text.slice(0, cut).split('\n').join(`\n${prefix}`) + '\n');
  });
  return new Promise((resolve) => {
    from.on('end', () => {
      if (rest) to.write(`${prefix}${rest}\n`);
      resolve();
    });
  });
}
