// The value tags of ranks' packed trees, shared by the writer (packed-tree.ts) and the
// reader (tree-reader.ts).

/** Strings longer than this are written and read by Buffer's native methods rather than a loop. */
export const NATIVE_STRING = 24;

// Value tags inside a tree.
export const T_UNDEFINED = 0;
export const T_NULL = 1;
export const T_FALSE = 2;
export const T_TRUE = 3;
export const T_INT = 4;
export const T_F64 = 5;
export const T_LATIN1 = 6;
export const T_UTF16 = 7;
export const T_ARRAY = 8;
/** An object with a new key list: count, keys, then values. */
export const T_SHAPE = 9;
/** An object with a key list seen before in this message: its number, then values. */
export const T_OBJECT = 10;
