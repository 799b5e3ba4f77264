// The public surface of ranks, and nothing else.
export { world } from './comm/world.ts';
export {
  Communicator, CartComm, type SendOptions, type RecvOptions, type ProbeOptions, type SendrecvOptions, type CountsOptions, type CartOptions, type ReduceOptions,
} from './comm/communicator.ts';
export { Op, SUM, PROD, MIN, MAX, LAND, LOR, LXOR, BAND, BOR, BXOR, MINLOC, MAXLOC, type TypedArray } from './comm/collectives/ops.ts';
export { Group } from './comm/group.ts';
export { dimsCreate } from './comm/topology.ts';
export { Request } from './comm/request.ts';
export { Status } from './comm/status.ts';
export { ANY_SOURCE, ANY_TAG, PROC_NULL, TAG_UB, UNDEFINED } from './constants.ts';
export { wtime } from './time.ts';
export { launch, type LaunchOptions, type LaunchResult } from './launch/launch.ts';
export {
  RanksError, isRanksError, TruncationError, KindMismatchError, DataCloneError, ArgumentRangeError, InvalidArgumentError,
  TimeoutError, AbortError, CancelledError, RankFailedError, DeadlockError, PeerExitedError, CollectiveMismatchError,
  type ErrorCode, type BlockedWait,
} from './errors.ts';
