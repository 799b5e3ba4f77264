// The last bytes of a stream, kept as it flows: a job may print far more than anyone reads.

/** Collects at most `limit` trailing bytes (Infinity keeps everything). */
export class Tail {
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    if (this.limit <= 0) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes - this.chunks[0]!.length >= this.limit) this.bytes -= this.chunks.shift()!.length;
  }

  /** The kept bytes as UTF-8, starting at a character boundary. */
  text(): string {
    let buf = Buffer.concat(this.chunks);
    if (buf.length > this.limit) {
      let start = buf.length - this.limit;
      // Skip UTF-8 continuation bytes so a cut character does not become U+FFFD.
      while (start < buf.length && (buf[start]! & 0xc0) === 0x80) start++;
      buf = buf.subarray(start);
    }
    return buf.toString('utf8');
  }
}
