// The tree shape of packed.ts: plain objects, dense arrays, strings, numbers, booleans,
// null and undefined, written into a scratch buffer (records with the same keys share one
// key list); tree-reader.ts reads them back. Anything else throws FALLBACK inside the
// writer, and packTree returns undefined: the caller uses V8's serializer.
import { NATIVE_STRING, T_ARRAY, T_F64, T_FALSE, T_INT, T_LATIN1, T_NULL, T_OBJECT, T_SHAPE, T_TRUE, T_UNDEFINED, T_UTF16 } from './tree-tags.ts';

/** Arrays up to this length are checked for named properties (Object.keys); longer ones are not. */
export const SMALL_ARRAY = 1024;
/** A code unit past Latin-1. */
export const WIDE = /[^\0-\xff]/;

/**
 * Trees past this many bytes go to V8's serializer: its fixed cost per call (about ten
 * times this writer's on a small record) is what the tree saves, and on large trees its
 * native loops win (measured on 10^5 records).
 */
const TREE_MAX = 16 << 10;

/** Thrown inside the tree writer when the value needs V8's serializer. */
const FALLBACK = Symbol('fallback');

const scratch = Buffer.allocUnsafeSlow(TREE_MAX + 64);
const view = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);
let at = 0;
let busy = false;
// The writer's state lives as long as the thread, while the values it refers to are a
// message's. Every slot is set back to undefined after each message: a long-lived array
// or Set still pointing at a message's objects after the message would make the garbage
// collector keep them (and everything they point to) through each young-generation
// collection, as old-space references (measured: 15-35% of a pool's small messages
// survived each scavenge, and scavenges took 10-15 ms instead of under 1).
/** Objects and arrays written in this message, the first 8 (searched in order: most messages have a few); the rest in `seenMore`. */
const seenList: (object | undefined)[] = new Array<object | undefined>(8).fill(undefined);
let seenCount = 0;
let seenMore: Set<object> | undefined;
/** Key lists written in this message, by number (T_OBJECT refers to them). */
/** Key lists remembered per message, at most: objects past them write their keys again. */
const MAX_SHAPES = 16;
const shapes: (string[] | undefined)[] = new Array<string[] | undefined>(MAX_SHAPES).fill(undefined);
let shapeCount = 0;

/** Whether `v` was written before in this message; remembers it if not. */
function seenBefore(v: object): boolean {
  for (let i = 0; i < seenCount; i++) if (seenList[i] === v) return true;
  if (seenMore?.has(v)) return true;
  if (seenCount < seenList.length) seenList[seenCount++] = v;
  else (seenMore ??= new Set()).add(v);
  return false;
}

/** Lets go of the message's objects (see above). */
function forget(): void {
  for (let i = 0; i < seenCount; i++) seenList[i] = undefined;
  seenCount = 0;
  seenMore = undefined;
  for (let i = 0; i < shapeCount; i++) shapes[i] = undefined;
  shapeCount = 0;
}

/** The number of a key list equal to `keys` written before in this message, or -1. */
function shapeOf(keys: string[]): number {
  next: for (let s = 0; s < shapeCount; s++) {
    const known = shapes[s]!;
    if (known.length !== keys.length) continue;
    for (let i = 0; i < keys.length; i++) if (known[i] !== keys[i]) continue next;
    return s;
  }
  return -1;
}

/** The packed bytes of a tree (`shape` in byte 0), or undefined when V8's serializer must encode it. */
export function packTree(value: unknown, shape: number): Uint8Array | undefined {
  // A getter that sends while this writer runs gets V8's serializer (the scratch is in use).
  if (busy) return undefined;
  busy = true;
  at = 0;
  try {
    room(1);
    scratch[at++] = shape;
    write(value, 0);
    return copyOut(at);
  } catch (err) {
    if (err === FALLBACK) return undefined;
    throw err;
  } finally {
    busy = false;
    forget();
  }
}

/** The first `n` bytes of the scratch in a buffer of their own (Buffer#slice would share them). */
function copyOut(n: number): Uint8Array {
  const out = new Uint8Array(n);
  if (n <= 256) for (let i = 0; i < n; i++) out[i] = scratch[i]!;
  else out.set(scratch.subarray(0, n));
  return out;
}

/** Makes sure `n` more bytes fit; a tree that outgrows TREE_MAX goes to V8's serializer. */
function room(n: number): void {
  if (at + n > scratch.byteLength) throw FALLBACK;
}

function writeLength(n: number): void {
  room(5);
  if (n < 0xff) scratch[at++] = n;
  else {
    scratch[at++] = 0xff;
    view.setUint32(at, n, true);
    at += 4;
  }
}

function writeString(s: string): void {
  const n = s.length;
  if (n <= NATIVE_STRING) {
    room(2 + 2 * n);
    const mark = at;
    scratch[at++] = T_LATIN1;
    scratch[at++] = n;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) {
        at = mark;
        scratch[at++] = T_UTF16;
        scratch[at++] = n;
        for (let j = 0; j < n; j++) {
          view.setUint16(at, s.charCodeAt(j), true);
          at += 2;
        }
        return;
      }
      scratch[at++] = c;
    }
    return;
  }
  if (n > TREE_MAX) throw FALLBACK;
  const latin1 = !WIDE.test(s);
  room(1);
  scratch[at++] = latin1 ? T_LATIN1 : T_UTF16;
  writeLength(n);
  room(latin1 ? n : 2 * n);
  at += scratch.write(s, at, latin1 ? 'latin1' : 'utf16le');
}

function write(v: unknown, depth: number): void {
  switch (typeof v) {
    case 'number':
      room(9);
      if ((v | 0) === v && !Object.is(v, -0)) {
        scratch[at++] = T_INT;
        view.setInt32(at, v, true);
        at += 4;
      } else {
        scratch[at++] = T_F64;
        view.setFloat64(at, v, true);
        at += 8;
      }
      return;
    case 'string':
      writeString(v);
      return;
    case 'boolean':
      room(1);
      scratch[at++] = v ? T_TRUE : T_FALSE;
      return;
    case 'undefined':
      room(1);
      scratch[at++] = T_UNDEFINED;
      return;
    case 'object':
      if (v === null) {
        room(1);
        scratch[at++] = T_NULL;
        return;
      }
      break;
    default:
      throw FALLBACK;
  }
  // Shared or cyclic references keep their identity only through V8's serializer; deep
  // trees would overflow this writer's stack.
  if (depth > 64 || seenBefore(v)) throw FALLBACK;
  if (Array.isArray(v)) writeArray(v, depth);
  else writeObject(v, depth);
}

function writeArray(a: unknown[], depth: number): void {
  const n = a.length;
  if (Object.getPrototypeOf(a) !== Array.prototype || n > SMALL_ARRAY || Object.keys(a).length !== n) throw FALLBACK; // holes or named properties
  room(1);
  scratch[at++] = T_ARRAY;
  writeLength(n);
  for (let i = 0; i < n; i++) {
    write(a[i], depth + 1);
  }
}

function writeObject(o: object, depth: number): void {
  const proto: unknown = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) throw FALLBACK;
  const keys = Object.keys(o);
  const known = shapeOf(keys);
  if (known >= 0) {
    room(1);
    scratch[at++] = T_OBJECT;
    writeLength(known);
  } else {
    if (keys.includes('__proto__')) throw FALLBACK;
    if (shapeCount < MAX_SHAPES) shapes[shapeCount++] = keys;
    room(1);
    scratch[at++] = T_SHAPE;
    writeLength(keys.length);
    for (const k of keys) writeString(k);
  }
  for (const k of keys) write((o as Record<string, unknown>)[k], depth + 1);
}
