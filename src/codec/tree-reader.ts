// Reading ranks' packed trees back (the writer is packed-tree.ts): every value is copied
// out of the message's bytes, so the buffer may be reused once the tree is read.
import { NATIVE_STRING, T_ARRAY, T_F64, T_FALSE, T_INT, T_LATIN1, T_NULL, T_OBJECT, T_SHAPE, T_TRUE, T_UNDEFINED, T_UTF16 } from './tree-tags.ts';

/** Rebuilds a tree from its packed bytes (the shape in byte 0). */
export function unpackTree(data: Uint8Array): unknown {
  return new Reader(data).value();
}

class Reader {
  private at = 1;
  private readonly view: DataView;
  private readonly buf: Buffer;
  private readonly shapes: string[][] = [];

  constructor(private readonly data: Uint8Array) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.buf = bufferOf(data);
  }

  private length(): number {
    const n = this.data[this.at++]!;
    if (n < 0xff) return n;
    const m = this.view.getUint32(this.at, true);
    this.at += 4;
    return m;
  }

  private string(tag: number): string {
    const n = this.length();
    const d = this.data;
    let s = '';
    if (tag === T_LATIN1) {
      if (n <= NATIVE_STRING) for (let i = 0; i < n; i++) s += String.fromCharCode(d[this.at + i]!);
      else s = this.buf.toString('latin1', this.at, this.at + n);
      this.at += n;
    } else {
      if (n <= NATIVE_STRING) for (let i = 0; i < n; i++) s += String.fromCharCode(this.view.getUint16(this.at + 2 * i, true));
      else s = this.buf.toString('utf16le', this.at, this.at + 2 * n);
      this.at += 2 * n;
    }
    return s;
  }

  private key(): string {
    return this.string(this.data[this.at++]!);
  }

  value(): unknown {
    const tag = this.data[this.at++]!;
    switch (tag) {
      case T_UNDEFINED:
        return undefined;
      case T_NULL:
        return null;
      case T_FALSE:
        return false;
      case T_TRUE:
        return true;
      case T_INT: {
        const v = this.view.getInt32(this.at, true);
        this.at += 4;
        return v;
      }
      case T_F64: {
        const v = this.view.getFloat64(this.at, true);
        this.at += 8;
        return v;
      }
      case T_LATIN1:
      case T_UTF16:
        return this.string(tag);
      case T_ARRAY: {
        const n = this.length();
        const out: unknown[] = [];
        for (let i = 0; i < n; i++) out.push(this.value());
        return out;
      }
      case T_SHAPE: {
        const n = this.length();
        const keys: string[] = [];
        for (let i = 0; i < n; i++) keys.push(this.key());
        this.shapes.push(keys);
        return this.fill(keys);
      }
      case T_OBJECT:
        return this.fill(this.shapes[this.length()]!);
      default:
        throw new TypeError(`Unknown packed value tag ${tag}`);
    }
  }

  private fill(keys: string[]): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (const k of keys) o[k] = this.value();
    return o;
  }
}

export function bufferOf(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
