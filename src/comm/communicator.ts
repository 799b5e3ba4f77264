import { decode, encode } from '../codec/encode.ts';
import { ANY_TAG, PROC_NULL, UNDEFINED } from '../constants.ts';
import { ArgumentRangeError, InvalidArgumentError } from '../errors.ts';
import { Op } from '../transport/op.ts';
import type { Envelope, Received, Transport } from '../transport/transport.ts';
import { barrier, bcast } from './collectives/bcast.ts';
import { Coll, type CommCore } from './collectives/call.ts';
import { allgather, alltoall, gather, scatter } from './collectives/gather.ts';
import { checkOp, isTypedArray, type Op as ReduceOp, type TypedArray } from './collectives/ops.ts';
import { allreduce, reduce, reduceScatter, scan } from './collectives/reduce.ts';
import { Group } from './group.ts';
import { guard } from './guard.ts';
import { Request } from './request.ts';
import { Status } from './status.ts';
import { cartCoords, cartRank } from './topology.ts';
import { checkCounts, checkDest, checkInto, checkRecvTag, checkRoot, checkSendTag, checkSource, checkTimeout } from './validate.ts';

/** Options of `send` / `isend`. */
export interface SendOptions {
  /** 0..TAG_UB; default 0. */
  tag?: number;
}

/** Options of `recv` / `irecv`. */
export interface RecvOptions<B extends ArrayBufferView = ArrayBufferView> {
  /** A rank, ANY_SOURCE (default) or PROC_NULL. */
  source?: number;
  /** A tag or ANY_TAG (default). */
  tag?: number;
  /** Receive raw bytes in place; the message must fit. */
  into?: B;
  /** Filled with the message's source, tag and size. */
  status?: Status;
  /** Withdraws the receive if it has not matched yet. */
  signal?: AbortSignal;
  /** Milliseconds to wait for a matching message before rejecting with TimeoutError. */
  timeout?: number;
}

/** Options of `probe` / `iprobe`. */
export interface ProbeOptions {
  source?: number;
  tag?: number;
  signal?: AbortSignal;
  timeout?: number;
}

/** Options of `sendrecv`. */
export interface SendrecvOptions<B extends ArrayBufferView = ArrayBufferView> {
  sendTag?: number;
  source?: number;
  recvTag?: number;
  into?: B;
  status?: Status;
}

/** Options of the v-forms: how many elements each rank's part has. */
export interface CountsOptions {
  /** Elements per rank, `size` entries (scatterv, gatherv, allgatherv, alltoallv, reduce_scatter). */
  counts?: readonly number[];
}

/** Options of `reduce` and `allreduce` on TypedArrays. */
export interface ReduceOptions<A extends TypedArray = TypedArray> {
  /**
   * Where the result goes (mpi4py's `recvbuf`): an array of the same kind and length as
   * the value; the value itself reduces in place (MPI_IN_PLACE). Saves allocating a new
   * array on every call.
   */
  into?: A;
}

/** Options of `createCart`. */
export interface CartOptions {
  /** Which dimensions wrap around (default: none). */
  periods?: readonly boolean[];
  /** Accepted for mpi4py parity; ranks keep their order (every rank shares one machine's memory). */
  reorder?: boolean;
}

function checkResultInto(value: unknown, into: unknown, where: string): TypedArray | undefined {
  if (into === undefined) return undefined;
  if (isTypedArray(into) && isTypedArray(value) && into.constructor === value.constructor && into.length === value.length) return into;
  const what = (v: unknown): string => (isTypedArray(v) ? `${v.constructor.name}[${v.length}]` : typeof v);
  throw new InvalidArgumentError(`${where}: \`into\` must be a TypedArray of the value's kind and length (${what(value)}), got ${what(into)}`);
}

/** Context numbers already handed out, shared by every communicator of one world. */
interface Contexts {
  next: number;
  /** Settles when this rank's last dup/split/createCart has agreed on its context. */
  making: Promise<void>;
}

const DONE: Promise<void> = Promise.resolve();
const NOOP = (): void => {};

/**
 * A group of ranks that talk to each other (mpi4py's `Comm`). Every operation returns
 * a Promise; a call you do not await at once is MPI's non-blocking form.
 *
 * @example
 * const comm = world();
 * if (comm.rank === 0) await comm.send({ hello: 'world' }, 1, { tag: 7 });
 * else if (comm.rank === 1) console.log(await comm.recv({ source: 0, tag: 7 }));
 */
export class Communicator implements CommCore {
  /** This rank's number in the communicator, 0..size-1. */
  readonly rank: number;
  /** How many ranks the communicator has. */
  readonly size: number;
  /** The communicator's ranks, for rank translation between communicators. */
  readonly group: Group;
  /** @internal */ readonly collContext: number;
  /** @internal World rank of each member; undefined when they are the world's ranks. */
  readonly members: readonly number[] | undefined;
  private readonly toLocal: Map<number, number> | undefined;
  private collTail: Promise<void> | undefined;

  /** @internal */
  constructor(
    /** @internal */ readonly transport: Transport,
    /** @internal Even: point-to-point; the next odd number carries this communicator's collectives. */
    readonly context: number,
    group?: Group,
    /** How the communicator was made, for messages: `world`, `world.dup()`, `world.split(1)`. */
    readonly name = 'world',
    /** @internal */ protected readonly contexts: Contexts = { next: context + 2, making: DONE },
  ) {
    this.group = group ?? new Group(Array.from({ length: transport.size }, (_, i) => i), transport.rank);
    const identity = this.group.members.every((w, i) => w === i) && this.group.size === transport.size;
    this.members = identity ? undefined : this.group.members;
    this.toLocal = identity ? undefined : new Map(this.group.members.map((w, i) => [w, i]));
    this.rank = this.group.rank;
    this.size = this.group.size;
    this.collContext = context + 1;
  }
  /**
   * Sends `value` to `dest`; resolves when `value` may be reused. TypedArrays, DataView and
   * ArrayBuffer travel as raw bytes; anything else is serialized (structured clone).
   *
   * @example
   * await comm.send(new Float64Array([1, 2, 3]), 1, { tag: 13 });
   */
  send(value: unknown, dest: number, options?: SendOptions): Promise<void> {
    const op = this.startSend(value, dest, options?.tag);
    return op ? op.promise : DONE;
  }

  /**
   * Non-blocking send: returns a Request at once.
   *
   * @example
   * const req = comm.isend(data, 1); compute(); await req;
   */
  isend(value: unknown, dest: number, options?: SendOptions): Request<void> {
    return new Request(this.startSend(value, dest, options?.tag) ?? Op.resolved<void>(undefined));
  }

  /**
   * Receives a message; resolves with its value. With `into`, raw bytes land in that
   * array, which is returned.
   *
   * @example
   * const data = await comm.recv<Float64Array>({ source: 0, tag: 13 });
   * await comm.recv({ into: new Int32Array(1000) });
   */
  recv<B extends ArrayBufferView>(options: RecvOptions<B> & { into: B }): Promise<B>;
  recv<T = unknown>(options?: RecvOptions): Promise<T>;
  recv(options?: RecvOptions): Promise<unknown> {
    return this.startRecv(options, options?.status).promise;
  }

  /**
   * Non-blocking receive: returns a Request whose `status` fills on completion.
   *
   * @example
   * const req = comm.irecv<number[]>({ source: 1 });
   * const value = await req;
   */
  irecv<B extends ArrayBufferView>(options: RecvOptions<B> & { into: B }): Request<B>;
  irecv<T = unknown>(options?: RecvOptions): Request<T>;
  irecv(options?: RecvOptions): Request<unknown> {
    const status = options?.status ?? new Status();
    return new Request(this.startRecv(options, status), status);
  }

  /**
   * Sends to `dest` and receives from `source` at once, so pairs of ranks can swap data
   * without ordering their calls.
   *
   * @example
   * const right = (comm.rank + 1) % comm.size, left = (comm.rank + comm.size - 1) % comm.size;
   * const fromLeft = await comm.sendrecv(mine, right, { source: left });
   */
  async sendrecv<T = unknown>(value: unknown, dest: number, options?: SendrecvOptions): Promise<T> {
    const d = checkDest(dest, this.size);
    const sendTag = checkSendTag(options?.sendTag, 'sendTag');
    const enc = d === PROC_NULL ? undefined : encode(value);
    const recv = this.startRecv({ source: options?.source, tag: options?.recvTag ?? ANY_TAG, into: options?.into }, options?.status, 'recvTag');
    if (enc) await this.transport.send(this.context, this.world(d), sendTag, enc.kind, enc.bytes).promise;
    return (await recv.promise) as T;
  }

  /**
   * Waits for a matching message and resolves with its Status, without receiving it.
   *
   * @example
   * const st = await comm.probe({ source: ANY_SOURCE });
   * const buf = await comm.recv({ source: st.source, into: new Uint8Array(st.bytes) });
   */
  probe(options?: ProbeOptions): Promise<Status> {
    const source = checkSource(options?.source, this.size);
    const tag = checkRecvTag(options?.tag);
    const timeout = checkTimeout(options?.timeout);
    if (source === PROC_NULL) return Promise.resolve(new Status().fill(PROC_NULL, ANY_TAG, 0, 0));
    const toStatus = (e: Envelope): Status => new Status().fill(this.local(e.source), e.tag, e.bytes, e.kind);
    const op = this.transport.probe(this.context, this.world(source), tag) as Op<unknown>;
    if (op.done) return Promise.resolve(toStatus(op.value as Envelope));
    op.finish = toStatus;
    guard(op, 'probe', options?.signal, timeout);
    return op.promise as Promise<Status>;
  }

  /**
   * The Status of a matching message if one has arrived, else `undefined`; never waits.
   *
   * @example
   * while (!comm.iprobe({ tag: 3 })) await doSomeWork();
   */
  iprobe(options?: Omit<ProbeOptions, 'signal' | 'timeout'>): Status | undefined {
    const source = checkSource(options?.source, this.size);
    const tag = checkRecvTag(options?.tag);
    if (source === PROC_NULL) return new Status().fill(PROC_NULL, ANY_TAG, 0, 0);
    const e = this.transport.iprobe(this.context, this.world(source), tag);
    return e && new Status().fill(this.local(e.source), e.tag, e.bytes, e.kind);
  }

  /**
   * Ends every rank of the job with exit code `code` (MPI_Abort).
   *
   * @example
   * if (!valid) comm.abort(2);
   */
  abort(code = 1, reason = `rank ${this.rank} called abort(${code})`): void {
    this.transport.abort(code, reason);
  }

  // ---- Collectives: every rank of the communicator calls them in the same order. ----

  /**
   * Resolves once every rank of the communicator has called it.
   *
   * @example
   * await comm.barrier();
   */
  barrier(): Promise<void> {
    return this.serial(() => barrier(this));
  }

  /**
   * Returns root's `value` on every rank. A TypedArray passed on a non-root rank is
   * filled in place and returned; otherwise non-roots get a new value.
   *
   * @example
   * const data = await comm.bcast(comm.rank === 0 ? new Float64Array(1e7).fill(7) : new Float64Array(1e7), 0);
   * const config = await comm.bcast(comm.rank === 0 ? { steps: 10 } : undefined);
   */
  bcast<T>(value: T, root?: number): Promise<T>;
  bcast<T>(value: T | undefined, root?: number): Promise<T>;
  bcast(value: unknown, root?: number): Promise<unknown> {
    const r = checkRoot(root, this.size);
    return this.serial(() => bcast(this, value, r));
  }

  /**
   * Root passes `size` values (or one TypedArray split into `size` equal parts, or into
   * parts of `counts` elements); every rank gets its part. Non-roots pass `undefined`.
   *
   * @example
   * const mine = await comm.scatter(comm.rank === 0 ? [[1], [2, 2], [3, 3, 3]] : undefined, 0);
   * const part = await comm.scatter(comm.rank === 0 ? new Float64Array(12) : undefined, 0);
   */
  scatter<A extends TypedArray>(values: A | undefined, root?: number, options?: CountsOptions): Promise<A>;
  scatter<T>(values: readonly T[] | undefined, root?: number): Promise<T>;
  scatter(values: unknown, root?: number, options?: CountsOptions): Promise<unknown> {
    const r = checkRoot(root, this.size);
    const counts = checkCounts(options?.counts, this.size);
    return this.serial(() => scatter(this, values, r, counts));
  }

  /**
   * Root gets every rank's value in rank order (TypedArrays: one concatenated array,
   * equal parts unless `counts` says otherwise); the others get `undefined`.
   *
   * @example
   * const all = await comm.gather({ rank: comm.rank }, 0); // root: [{ rank: 0 }, { rank: 1 }, ...]
   */
  gather<A extends TypedArray>(value: A, root?: number, options?: CountsOptions): Promise<A | undefined>;
  gather<T>(value: T, root?: number): Promise<T[] | undefined>;
  gather(value: unknown, root?: number, options?: CountsOptions): Promise<unknown> {
    const r = checkRoot(root, this.size);
    const counts = checkCounts(options?.counts, this.size);
    return this.serial(() => gather(this, value, r, counts));
  }

  /**
   * Every rank gets every rank's value in rank order (TypedArrays: concatenated).
   *
   * @example
   * const names = await comm.allgather(hostname());
   */
  allgather<A extends TypedArray>(value: A, options?: CountsOptions): Promise<A>;
  allgather<T>(value: T): Promise<T[]>;
  allgather(value: unknown, options?: CountsOptions): Promise<unknown> {
    const counts = checkCounts(options?.counts, this.size);
    return this.serial(() => allgather(this, value, counts));
  }

  /**
   * Rank i sends `values[j]` to rank j and gets what every rank sent it, in rank order.
   * A TypedArray is split into equal parts, or into parts of `counts` elements (what this
   * rank sends to each); the parts received come back concatenated.
   *
   * @example
   * const got = await comm.alltoall(Array.from({ length: comm.size }, (_, j) => `${comm.rank}->${j}`));
   */
  alltoall<A extends TypedArray>(values: A, options?: CountsOptions): Promise<A>;
  alltoall<T>(values: readonly T[]): Promise<T[]>;
  alltoall(values: unknown, options?: CountsOptions): Promise<unknown> {
    const counts = checkCounts(options?.counts, this.size);
    return this.serial(() => alltoall(this, values, counts));
  }

  /**
   * Combines every rank's value with `op` (element-wise for TypedArrays and arrays);
   * root gets the result, the others `undefined`.
   *
   * @example
   * const total = await comm.reduce(localSum, SUM, 0);
   */
  reduce<T>(value: T, op: ReduceOp, root?: number, options?: ReduceOptions): Promise<T | undefined> {
    const r = checkRoot(root, this.size);
    checkOp(op).check(value, 'reduce');
    const into = checkResultInto(value, options?.into, 'reduce');
    return this.serial(() => reduce(this, value, op, r, into)) as Promise<T | undefined>;
  }

  /**
   * Combines every rank's value with `op`; every rank gets the result.
   *
   * @example
   * const total = await comm.allreduce(new Float64Array([local]), SUM);
   * await comm.allreduce(grad, SUM, { into: grad }); // in place
   */
  allreduce<T>(value: T, op: ReduceOp, options?: ReduceOptions): Promise<T> {
    checkOp(op).check(value, 'allreduce');
    const into = checkResultInto(value, options?.into, 'allreduce');
    return this.serial(() => allreduce(this, value, op, into)) as Promise<T>;
  }

  /**
   * Inclusive prefix reduction: rank i gets value0 op ... op value_i.
   *
   * @example
   * const offset = (await comm.scan(myCount, SUM)) - myCount;
   */
  scan<T>(value: T, op: ReduceOp): Promise<T> {
    checkOp(op).check(value, 'scan');
    return this.serial(() => scan(this, value, op, false)) as Promise<T>;
  }

  /**
   * Exclusive prefix reduction: rank i gets value0 op ... op value_(i-1); rank 0 gets `undefined`.
   *
   * @example
   * const offset = (await comm.exscan(myCount, SUM)) ?? 0;
   */
  exscan<T>(value: T, op: ReduceOp): Promise<T | undefined> {
    checkOp(op).check(value, 'exscan');
    return this.serial(() => scan(this, value, op, true)) as Promise<T | undefined>;
  }

  /**
   * Reduces element-wise, then rank j keeps part j: `counts[j]` elements, or equal parts.
   *
   * @example
   * const mine = await comm.reduceScatter(new Float64Array(4 * comm.size).fill(1), SUM); // 4 elements, each = size
   */
  reduceScatter<A extends TypedArray | readonly unknown[]>(value: A, op: ReduceOp, options?: CountsOptions): Promise<A> {
    const counts = checkCounts(options?.counts, this.size);
    checkOp(op).check(value, 'reduceScatter');
    return this.serial(() => reduceScatter(this, value, op, counts)) as Promise<A>;
  }

  // ---- Communicator management ----

  /**
   * A new communicator with the same ranks; its traffic never mixes with this one's.
   *
   * @example
   * const lib = await comm.dup(); // a library's private channel
   */
  async dup(): Promise<Communicator> {
    const ctx = await this.agree(0, this.rank);
    return new Communicator(this.transport, ctx.context, this.group, `${this.name}.dup()`, this.contexts);
  }

  /**
   * Splits the ranks by `color`: each rank gets the communicator of the ranks that passed
   * its color, ordered by `key` (then by rank); color UNDEFINED gets `null`.
   *
   * @example
   * const row = await comm.split(Math.floor(comm.rank / 4)); // rows of 4
   */
  async split(color: number, key: number = this.rank): Promise<Communicator | null> {
    if (!Number.isInteger(color) || (color < 0 && color !== UNDEFINED)) throw new ArgumentRangeError(`Expected \`color\` to be an integer >= 0 or UNDEFINED, got ${String(color)}`);
    if (!Number.isInteger(key)) throw new ArgumentRangeError(`Expected \`key\` to be an integer, got ${String(key)}`);
    const { context, all } = await this.agree(color, key);
    if (color === UNDEFINED) return null;
    const members = all
      .map(([c, k], r) => ({ c, k, r }))
      .filter((m) => m.c === color)
      .sort((a, b) => a.k - b.k || a.r - b.r)
      .map((m) => this.world(m.r));
    return new Communicator(this.transport, context, new Group(members, this.group.self), `${this.name}.split(${color})`, this.contexts);
  }

  /**
   * A Cartesian grid over the first product(dims) ranks (the others get `null`), with
   * `coords`, `shift` and `sub`. Use `dimsCreate` to choose `dims`.
   *
   * @example
   * const grid = await comm.createCart(dimsCreate(comm.size, 2), { periods: [true, true] });
   * const { source, dest } = grid!.shift(0, 1);
   */
  async createCart(dims: readonly number[], options?: CartOptions): Promise<CartComm | null> {
    if (!Array.isArray(dims) || dims.length === 0 || !dims.every((d) => Number.isInteger(d) && d >= 1)) throw new InvalidArgumentError(`Expected \`dims\` to be a non-empty array of integers >= 1, got ${JSON.stringify(dims)}`);
    const cells = dims.reduce((a, d) => a * d, 1);
    if (cells > this.size) throw new ArgumentRangeError(`A ${dims.join('x')} grid needs ${cells} ranks; the communicator has ${this.size}`);
    const periods = options?.periods ?? dims.map(() => false);
    if (!Array.isArray(periods) || periods.length !== dims.length) throw new InvalidArgumentError(`Expected \`periods\` to have ${dims.length} booleans, got ${JSON.stringify(periods)}`);
    const inside = this.rank < cells;
    const { context } = await this.agree(inside ? 0 : UNDEFINED, this.rank);
    if (!inside) return null;
    const members = Array.from({ length: cells }, (_, r) => this.world(r));
    return new CartComm(this.transport, context, new Group(members, this.group.self), `${this.name}.createCart([${dims.join(', ')}])`, this.contexts, dims, periods.map(Boolean));
  }

  // Every rank learns every rank's (color, key) and a context number that no member has
  // used yet: larger than any member's next free one. Disjoint communicators may share it.
  // A rank makes its communicators one at a time (in call order), so two of its own can
  // never agree on the same number.
  private agree(color: number, key: number): Promise<{ context: number; all: [number, number][] }> {
    // Reserve this rank's next creation slot now (call order), and take this
    // communicator's collective turn now too, so a collective called later cannot overtake it.
    const before = this.contexts.making;
    let made!: () => void;
    this.contexts.making = new Promise<void>((resolve) => (made = resolve));
    return this.serial(async () => {
      try {
        await before;
        const got = (await allgather(this, [color, key, this.contexts.next], undefined, Coll.Create)) as [number, number, number][];
        const context = Math.max(...got.map((g) => g[2]));
        this.contexts.next = context + 2;
        return { context, all: got.map(([c, k]): [number, number] => [c, k]) };
      } finally {
        made();
      }
    });
  }

  // Collectives of one communicator run one after another, in the order they were
  // called: un-awaited ones (MPI's non-blocking collectives) cannot take each other's
  // messages, since those carry the same tags.
  private serial<T>(run: () => Promise<T>): Promise<T> {
    const start = this.collTail ? this.collTail.then(run, run) : run();
    const tail: Promise<void> = start.then(NOOP, NOOP);
    this.collTail = tail;
    void tail.then(() => {
      if (this.collTail === tail) this.collTail = undefined;
    });
    return start;
  }

  /** @internal The world rank of member `r`. */
  world(r: number): number {
    return this.members && r >= 0 ? this.members[r]! : r;
  }

  /** @internal The member number of world rank `w`. */
  local(w: number): number {
    return this.toLocal && w >= 0 ? this.toLocal.get(w)! : w;
  }

  private startSend(value: unknown, dest: number, tag: number | undefined): Op<void> | undefined {
    const d = checkDest(dest, this.size);
    const t = checkSendTag(tag);
    if (d === PROC_NULL) return undefined;
    let enc;
    try {
      enc = encode(value);
    } catch (err) {
      const op = new Op<void>();
      op.reject(err);
      return op;
    }
    return this.transport.send(this.context, this.world(d), t, enc.kind, enc.bytes);
  }

  private startRecv(options: RecvOptions | undefined, status: Status | undefined, tagName = 'tag'): Op<unknown> {
    const source = checkSource(options?.source, this.size);
    const tag = checkRecvTag(options?.tag, tagName);
    const into = checkInto(options?.into);
    const timeout = checkTimeout(options?.timeout);
    if (source === PROC_NULL) {
      status?.fill(PROC_NULL, ANY_TAG, 0, 0);
      return Op.resolved<unknown>(undefined);
    }
    const bytes = into && new Uint8Array(into.buffer, into.byteOffset, into.byteLength);
    const op = this.transport.recv(this.context, this.world(source), tag, bytes) as Op<unknown>;
    const finish = (r: Received): unknown => {
      status?.fill(this.local(r.source), r.tag, r.bytes, r.kind);
      return into ?? decode(r.kind, r.data);
    };
    if (op.done) return op.failed ? op : Op.resolved(finish(op.value as Received));
    op.finish = finish;
    guard(op, 'recv', options?.signal, timeout);
    return op;
  }
}

/**
 * A communicator whose ranks form a Cartesian grid (row-major), made by `createCart`.
 *
 * @example
 * const grid = (await comm.createCart([2, 2], { periods: [true, false] }))!;
 * grid.coords; // e.g. [1, 0]
 * const { source, dest } = grid.shift(1, 1);
 */
export class CartComm extends Communicator {
  /** This rank's coordinates. */
  readonly coords: readonly number[];

  /** @internal */
  constructor(transport: Transport, context: number, group: Group, name: string, contexts: Contexts, readonly dims: readonly number[], readonly periods: readonly boolean[]) {
    super(transport, context, group, name, contexts);
    this.coords = cartCoords(dims, this.rank);
  }

  /** Number of dimensions. @example grid.ndim */
  get ndim(): number {
    return this.dims.length;
  }

  /** The coordinates of `rank`. @example grid.coordsOf(3) */
  coordsOf(rank: number): number[] {
    return cartCoords(this.dims, checkDest(rank, this.size));
  }

  /** The rank at `coords` (periodic dimensions wrap; others must be in range). @example grid.rankOf([0, 1]) */
  rankOf(coords: readonly number[]): number {
    return cartRank(this.dims, this.periods, coords);
  }

  /**
   * The ranks `disp` steps behind (`source`) and ahead (`dest`) along `dim`; PROC_NULL
   * off the edge of a non-periodic dimension.
   *
   * @example
   * const { source, dest } = grid.shift(0, 1);
   * await grid.sendrecv(edge, dest, { source });
   */
  shift(dim: number, disp = 1): { source: number; dest: number } {
    if (!Number.isInteger(dim) || dim < 0 || dim >= this.ndim) throw new ArgumentRangeError(`Expected \`dim\` in 0..${this.ndim - 1}, got ${String(dim)}`);
    if (!Number.isInteger(disp)) throw new ArgumentRangeError(`Expected \`disp\` to be an integer, got ${String(disp)}`);
    const at = (delta: number): number => {
      const c = [...this.coords];
      c[dim] = c[dim]! + delta;
      const d = this.dims[dim]!;
      if (!this.periods[dim] && (c[dim]! < 0 || c[dim]! >= d)) return PROC_NULL;
      return cartRank(this.dims, this.periods, c);
    };
    return { source: at(-disp), dest: at(disp) };
  }

  /**
   * The sub-grid through this rank that keeps the dimensions where `remainDims` is true
   * (MPI_Cart_sub): e.g. [false, true] gives this rank's row.
   *
   * @example
   * const row = await grid.sub([false, true]);
   */
  async sub(remainDims: readonly boolean[]): Promise<CartComm> {
    if (!Array.isArray(remainDims) || remainDims.length !== this.ndim) throw new InvalidArgumentError(`Expected \`remainDims\` to have ${this.ndim} booleans, got ${JSON.stringify(remainDims)}`);
    const keep = (c: readonly number[], want: boolean): number[] => c.filter((_, i) => Boolean(remainDims[i]) === want);
    const color = cartRank(keep(this.dims, false), [], keep(this.coords, false));
    const key = cartRank(keep(this.dims, true), [], keep(this.coords, true));
    const part = await this.split(color, key);
    const dims = keep(this.dims, true);
    const periods = this.periods.filter((_, i) => remainDims[i]);
    return new CartComm(this.transport, part!.context, part!.group, `${this.name}.sub([${remainDims.join(', ')}])`, this.contexts, dims.length ? dims : [1], dims.length ? periods : [false]);
  }
}
