// The public surface of ranks, and nothing else.
export { world } from './comm/world.ts';
export { Communicator, type SendOptions, type RecvOptions, type ProbeOptions, type SendrecvOptions } from './comm/communicator.ts';
export { Request } from './comm/request.ts';
export { Status } from './comm/status.ts';
export { ANY_SOURCE, ANY_TAG, PROC_NULL, TAG_UB } from './constants.ts';
export { wtime } from './time.ts';
export { launch, type LaunchOptions, type LaunchResult } from './launch/launch.ts';
export {
  RanksError, isRanksError, TruncationError, KindMismatchError, DataCloneError, ArgumentRangeError, InvalidArgumentError,
  TimeoutError, AbortError, CancelledError, RankFailedError, DeadlockError, PeerExitedError,
  type ErrorCode, type BlockedWait,
} from './errors.ts';
