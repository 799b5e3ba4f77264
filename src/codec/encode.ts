import { serialize, deserialize } from 'node:v8';
import { DataCloneError } from '../errors.ts';
import { findUnclonable } from './clone-path.ts';
import { V8_FIRST, pack, unpack } from './packed.ts';
import { SCRATCH_MIN, recycle } from './scratch.ts';
import { ARRAY_BUFFER, DATA_VIEW, NODE_BUFFER, NUMBER, OBJECT, SHARED_ARRAY_BUFFER, TYPED, TYPED_BASE, rawKind } from './kinds.ts';

/** A value ready to travel: its kind and a view of its bytes (not copied). */
export interface Encoded {
  kind: number;
  bytes: Uint8Array;
}

/**
 * Raw kinds expose their own bytes (no copy, no serialization); common object shapes
 * (arrays of numbers, strings, trees of plain objects and arrays) get ranks' packed
 * encoding (packed.ts); everything else goes through V8's structured serialization. Both
 * are kind OBJECT: the first byte tells them apart. Throws DataCloneError naming the bad part.
 */
export function encode(value: unknown): Encoded {
  const kind = rawKind(value);
  if (kind !== undefined) return { kind, bytes: bytesOf(value as ArrayBufferView | ArrayBufferLike) };
  if (typeof value === 'number') {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    return { kind: NUMBER, bytes };
  }
  const packed = pack(value);
  if (packed) return { kind: OBJECT, bytes: packed };
  try {
    return { kind: OBJECT, bytes: serialize(value) };
  } catch (err) {
    const hit = findUnclonable(value);
    throw new DataCloneError(hit?.path ?? 'value', hit?.what ?? (err as Error).message);
  }
}

/** A Uint8Array over the bytes of a view or buffer, sharing its memory. */
export function bytesOf(value: ArrayBufferView | ArrayBufferLike): Uint8Array {
  if (ArrayBuffer.isView(value))
    return value.constructor === Uint8Array ? (value as Uint8Array) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return new Uint8Array(value);
}

/**
 * decode() for a message the transport received into its own buffer (no `into`): a
 * packed object's buffer goes back to the pool once the value is rebuilt (unpacking
 * copies everything out of it). Any other kind's value is a view of the buffer, and so
 * may be part of what V8's deserializer rebuilds (its typed arrays view the bytes): those
 * keep it.
 */
export function decodeReceived(kind: number, data: Uint8Array): unknown {
  const value = decode(kind, data);
  if (kind === OBJECT && data[0] !== V8_FIRST) recycle(data);
  return value;
}

/** The sender's side of the pool: `bytes` go back once `op` is done with them (an object's encoding). */
export function recycleAfter(kind: number, bytes: Uint8Array, op: { done: boolean; onSettle: (() => void) | undefined }): void {
  if (kind !== OBJECT || bytes.byteLength < SCRATCH_MIN) return;
  if (op.done) return recycle(bytes);
  const before = op.onSettle;
  op.onSettle = () => {
    before?.();
    recycle(bytes);
  };
}

/**
 * Rebuilds a value from bytes the receiver owns. `data` must start at an offset aligned
 * for its kind (freshly allocated buffers are).
 */
export function decode(kind: number, data: Uint8Array): unknown {
  if (kind >= TYPED_BASE) {
    const ctor = TYPED[kind - TYPED_BASE]!;
    return new ctor(data.buffer, data.byteOffset, data.byteLength / ctor.BYTES_PER_ELEMENT);
  }
  switch (kind) {
    case OBJECT:
      return data[0] === V8_FIRST ? deserialize(data) : unpack(data);
    case NUMBER:
      return new DataView(data.buffer, data.byteOffset, 8).getFloat64(0, true);
    case ARRAY_BUFFER:
      return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? data.buffer : data.slice().buffer;
    case DATA_VIEW:
      return new DataView(data.buffer, data.byteOffset, data.byteLength);
    case NODE_BUFFER:
      return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    case SHARED_ARRAY_BUFFER: {
      const sab = new SharedArrayBuffer(data.byteLength);
      new Uint8Array(sab).set(data);
      return sab;
    }
    default:
      throw new TypeError(`Unknown payload kind ${kind}`);
  }
}
