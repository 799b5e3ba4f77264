// Positional reads and writes of a whole buffer through a FileHandle (one pread/pwrite
// moves at most ~2 GiB on Linux, and a read stops early at the end of the file).
import type { FileHandle } from 'node:fs/promises';

/** Reads into all of `buf` from byte `pos`, or up to the end of the file; resolves with the bytes read. */
export async function readFull(h: FileHandle, buf: Uint8Array, pos: number): Promise<number> {
  let done = 0;
  while (done < buf.byteLength) {
    const { bytesRead } = await h.read(buf, done, buf.byteLength - done, pos + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Writes all of `buf` at byte `pos`. */
export async function writeFull(h: FileHandle, buf: Uint8Array, pos: number): Promise<number> {
  let done = 0;
  while (done < buf.byteLength) {
    const { bytesWritten } = await h.write(buf, done, buf.byteLength - done, pos + done);
    done += bytesWritten;
  }
  return done;
}
