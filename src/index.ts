// The public surface of ranks, and nothing else.
export { world, commSelf } from './comm/world.ts';
export { CartComm } from './comm/cart.ts';
export { GraphComm, DistGraphComm, type DistGraphOptions } from './comm/graph.ts';
export { TopoComm } from './comm/topo-comm.ts';
export type { NeighborCountsOptions } from './comm/neighbor.ts';
export type { Comparison, CreateGroupOptions } from './comm/manage.ts';
export {
  Communicator,
  type SendOptions,
  type RecvOptions,
  type ProbeOptions,
  type SendrecvOptions,
  type SendrecvReplaceOptions,
  type CountsOptions,
  type CartOptions,
  type ReduceOptions,
} from './comm/communicator.ts';
export { Op, SUM, PROD, MIN, MAX, LAND, LOR, LXOR, BAND, BOR, BXOR, MINLOC, MAXLOC, REPLACE, NO_OP, type TypedArray } from './comm/collectives/ops.ts';
export { reduceLocal } from './comm/collectives/ops.ts';
export { Group } from './comm/group.ts';
export { Intercomm, type InterComparison } from './comm/intercomm.ts';
export type { IntercommOptions } from './comm/intercomm-create.ts';
export { getParent } from './spawn/parent.ts';
export type { SpawnOptions } from './spawn/spawn.ts';
export { dimsCreate } from './comm/topology.ts';
export { Request, type SomeDone } from './comm/request.ts';
export { Prequest } from './comm/prequest.ts';
export { Message, type MessageRecvOptions } from './comm/message.ts';
export { Status } from './comm/status.ts';
export { ANY_SOURCE, ANY_TAG, PROC_NULL, ROOT, TAG_UB, UNDEFINED } from './constants.ts';
export { wtime } from './time.ts';
export { launch, type LaunchOptions, type LaunchResult } from './launch/launch.ts';
export {
  RanksError,
  isRanksError,
  TruncationError,
  KindMismatchError,
  DataCloneError,
  ArgumentRangeError,
  InvalidArgumentError,
  InvalidStateError,
  TimeoutError,
  AbortError,
  SpawnError,
  CancelledError,
  RankFailedError,
  DeadlockError,
  PeerExitedError,
  CollectiveMismatchError,
  BrokenPoolError,
  MpiError,
  FileError,
  type ErrorCode,
  type BlockedWait,
} from './errors.ts';
export { Empty, Full, BrokenBarrierError, EOFError, ClosedError, NotHeldError, OverReleaseError } from './sync/errors.ts';
export { Lock, RLock } from './sync/lock.ts';
export { Semaphore, BoundedSemaphore } from './sync/semaphore.ts';
export { Event } from './sync/event.ts';
export { Condition } from './sync/condition.ts';
export { Barrier } from './sync/barrier.ts';
export { Value, SharedArray, type SharedType, type SharedArrayTypes, type ElementOf, type LockOption } from './sync/value.ts';
export { Queue, JoinableQueue, SimpleQueue, type QueueOptions } from './sync/queue.ts';
export { Pipe, Connection } from './sync/pipe.ts';
export { Held } from './sync/held.ts';
export { share, revive, type SharedDescriptor } from './sync/share.ts';
export type { WaitOptions, AcquireOptions, BlockOptions } from './sync/options.ts';
export { Future } from './pool/future.ts';
export { wait, asCompleted, type ReturnWhen, type Completed, type CompletedOf } from './pool/waiting.ts';
export { tasks, type Task, type Tasks, type TaskArgs, type TaskResult } from './pool/tasks.ts';
export { Executor } from './pool/executor.ts';
export {
  Pool,
  type TaskLike,
  type CallOptions,
  type MapOptions,
  type StreamMapOptions,
  type WorkerOptions,
  type CommWorkerOptions,
  type ProgressOption,
  type ProgressStream,
} from './pool/pool.ts';
export { Process, type ProcessOptions } from './pool/process.ts';
export { farm } from './farm/farm.ts';
export type { FarmInput, FarmOptions, FarmProgress } from './farm/options.ts';
export type { FarmResult, JobResult, NotStarted } from './farm/result.ts';
export type { HaltOptions } from './farm/halt.ts';
export { shellQuote } from './farm/template.ts';
export { File, type FileOpenOptions, type Etype, type ViewOptions, type Whence, type Aggregation } from './file/file.ts';
export {
  MODE_RDONLY,
  MODE_WRONLY,
  MODE_RDWR,
  MODE_CREATE,
  MODE_EXCL,
  MODE_APPEND,
  MODE_DELETE_ON_CLOSE,
  MODE_UNIQUE_OPEN,
  MODE_SEQUENTIAL,
} from './file/modes.ts';
export { Win, type RmaOptions, type GetAccumulateOptions, type LockOptions, type FenceOptions, type Loose } from './win/win.ts';
export { WinKindMismatchError } from './win/errors.ts';
export type { WinKind } from './win/kinds.ts';
export { Cluster, type ClusterOptions, type InterruptResult } from './cluster/cluster.ts';
export { DirectView, type ExecuteOptions } from './cluster/view.ts';
export { LoadBalancedView } from './cluster/balanced.ts';
export type { EngineResult, EngineState, OutputChunk, OutputListener } from './cluster/requests.ts';
export {
  parseTimeline,
  type Timeline,
  type TimelineLane,
  type TimelineThread,
  type TimelineSpan,
  type TimelineArrow,
  type TimelineBand,
  type TimelineMark,
} from './timeline/model.ts';
export { timelineHtml, type TimelinePageOptions } from './timeline/page.ts';
export { mergeTraceParts } from './trace/parts.ts';
export type { ChromeTrace, TraceEvent, OtherData, LaneInfo } from './trace/collect.ts';
export type { Profile, RankProfile, LongWait, Traffic } from './trace/profile.ts';
