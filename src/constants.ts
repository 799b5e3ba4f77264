/** Receive from any rank. @example await comm.recv({ source: ANY_SOURCE }); */
export const ANY_SOURCE = -1;
/** Receive any tag. @example await comm.recv({ tag: ANY_TAG }); */
export const ANY_TAG = -1;
/** The null rank: sends to it do nothing, receives from it return `undefined` at once. @example await comm.send(x, PROC_NULL); */
export const PROC_NULL = -2;
/** The root rank's own `root` in an intercommunicator's rooted collectives (MPI_ROOT); its group's other ranks pass PROC_NULL. @example await inter.bcast(data, ROOT); */
export const ROOT = -3;
/** The largest tag a message may carry (tags are 0..TAG_UB). @example comm.send(x, 1, { tag: TAG_UB }); */
export const TAG_UB = 2 ** 31 - 1;
/** "No value": a `split` color that leaves the rank out (it gets `null`), a rank a group lacks. @example await comm.split(UNDEFINED) */
export const UNDEFINED = -32766;
