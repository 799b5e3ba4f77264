import { UNDEFINED } from '../constants.ts';
import { ArgumentRangeError, InvalidArgumentError } from '../errors.ts';
import { barrier, bcast } from './collectives/bcast.ts';
import { Coll, collName } from './collectives/call.ts';
import { recording } from '../trace/recorder.ts';
import { traceCollective } from '../trace/hooks.ts';
import { allgather, alltoall, gather, scatter } from './collectives/gather.ts';
import { isTypedArray, type Op as ReduceOp, type TypedArray } from './collectives/ops.ts';
import { agree, agrees, shapeOf, type Proposal } from './collectives/agree.ts';
import { alltoallPlan, bcastPlan, gatherPlan, reducePlan, reduceScatterPlan, scatterPlan, type Plan } from './collectives/prepare.ts';
import { allreduce, reduce, reduceScatter, scan } from './collectives/reduce.ts';
import { Group } from './group.ts';
import type { CartComm } from './cart.ts';
import type { DistGraphComm, DistGraphOptions, GraphComm } from './graph.ts';
import type { CartOptions, CountsOptions, ReduceOptions } from './options.ts';
import { PointToPoint } from './point-to-point.ts';
import { checkRoot } from './validate.ts';
import { compareComms, createGroupContext, createPlan, freeComm, nameAccessor, sharedColor, type Comparison, type CreateGroupOptions } from './manage.ts';
import type { Transport } from '../transport/transport.ts';
import { SELF_CONTEXT } from '../transport/transport.ts';
import type { Contexts } from './options.ts';

export type { Comparison, CreateGroupOptions } from './manage.ts';
export type { CountsOptions, CartOptions, ReduceOptions, SendOptions, RecvOptions, ProbeOptions, SendrecvOptions, SendrecvReplaceOptions } from './options.ts';

const NOOP = (): void => {};
const DONE: Promise<void> = Promise.resolve();

function checkResultInto(value: unknown, into: unknown, where: string): TypedArray | undefined {
  if (into === undefined) return undefined;
  if (isTypedArray(into) && isTypedArray(value) && into.constructor === value.constructor && into.length === value.length) return into;
  const what = (v: unknown): string => (isTypedArray(v) ? `${v.constructor.name}[${v.length}]` : typeof v);
  throw new InvalidArgumentError(`${where}: \`into\` must be a TypedArray of the value's kind and length (${what(value)}), got ${what(into)}`);
}

/**
 * A group of ranks that talk to each other (mpi4py's `Comm`). Every operation returns
 * a Promise; a call you do not await at once is MPI's non-blocking form.
 *
 * @example
 * const comm = world();
 * if (comm.rank === 0) await comm.send({ hello: 'world' }, 1, { tag: 7 });
 * else if (comm.rank === 1) console.log(await comm.recv({ source: 0, tag: 7 }));
 */
export class Communicator extends PointToPoint {
  private collTail: Promise<void> | undefined;
  /** The communicator's name (MPI_Comm_get_name/set_name): 'world', 'self', or how it was made (`world.split(1)`); settable. */
  declare name: string;

  /** @internal */
  constructor(transport: Transport, context: number, group?: Group, name = 'world', contexts?: Contexts) {
    super(transport, context, group, name, contexts);
    nameAccessor(this, name);
  }

  // ---- Collectives: every rank of the communicator calls them in the same order. ----
  // Each one checks its arguments on this rank, then agrees with the other ranks on the
  // call and on what was found (agree.ts) before any payload moves: a bad argument on
  // one rank, or ranks that disagree about the call, reject on every rank alike.

  /**
   * Resolves once every rank of the communicator has called it.
   *
   * @example
   * await comm.barrier();
   */
  barrier(): Promise<void> {
    // The agreement is itself a barrier; without it, the barrier algorithm runs.
    return this.collective(Coll.Barrier, () => ({ run: () => (agrees(this) ? DONE : barrier(this)) }));
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
    return this.collective(Coll.Bcast, () => bcastPlan(this, value, root, (r, enc) => bcast(this, value, r, enc)), value);
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
    return this.collective(Coll.Scatter, () => scatterPlan(this, values, root, options, (r, counts, enc) => scatter(this, values, r, counts, enc)), values);
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
    return this.collective(
      Coll.Gather,
      () => {
        const r = checkRoot(root, this.size);
        return gatherPlan(this, 'gather', value, r, options, (counts, enc) => gather(this, value, r, counts, enc));
      },
      value,
    );
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
    return this.collective(
      Coll.Allgather,
      () => gatherPlan(this, 'allgather', value, undefined, options, (counts, enc) => allgather(this, value, counts, Coll.Allgather, enc)),
      value,
    );
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
    return this.collective(Coll.Alltoall, () => alltoallPlan(this, values, options, (counts, enc) => alltoall(this, values, counts, enc)), values);
  }

  /**
   * Combines every rank's value with `op` (element-wise for TypedArrays and arrays);
   * root gets the result, the others `undefined`.
   *
   * @example
   * const total = await comm.reduce(localSum, SUM, 0);
   */
  reduce<T>(value: T, op: ReduceOp, root?: number, options?: ReduceOptions): Promise<T | undefined> {
    return this.collective(
      Coll.Reduce,
      () => {
        const r = checkRoot(root, this.size);
        const into = checkResultInto(value, options?.into, 'reduce');
        return reducePlan('reduce', value, op, r, (o) => reduce(this, value, o, r, into), undefined, { rank: this.rank, mode: 'reduce', into });
      },
      value,
    ) as Promise<T | undefined>;
  }

  /**
   * Combines every rank's value with `op`; every rank gets the result.
   *
   * @example
   * const total = await comm.allreduce(new Float64Array([local]), SUM);
   * await comm.allreduce(grad, SUM, { into: grad }); // in place
   */
  allreduce<T>(value: T, op: ReduceOp, options?: ReduceOptions): Promise<T> {
    return this.collective(
      Coll.Allreduce,
      () => {
        const into = checkResultInto(value, options?.into, 'allreduce');
        return reducePlan('allreduce', value, op, 0, (o) => allreduce(this, value, o, into), undefined, { rank: this.rank, mode: 'all', into });
      },
      value,
    ) as Promise<T>;
  }

  /**
   * Inclusive prefix reduction: rank i gets value0 op ... op value_i.
   *
   * @example
   * const offset = (await comm.scan(myCount, SUM)) - myCount;
   */
  scan<T>(value: T, op: ReduceOp): Promise<T> {
    return this.collective(
      Coll.Scan,
      () => reducePlan('scan', value, op, 0, (o) => scan(this, value, o, false), undefined, { rank: this.rank, mode: 'scan' }),
      value,
    ) as Promise<T>;
  }

  /**
   * Exclusive prefix reduction: rank i gets value0 op ... op value_(i-1); rank 0 gets `undefined`.
   *
   * @example
   * const offset = (await comm.exscan(myCount, SUM)) ?? 0;
   */
  exscan<T>(value: T, op: ReduceOp): Promise<T | undefined> {
    return this.collective(
      Coll.Exscan,
      () => reducePlan('exscan', value, op, 0, (o) => scan(this, value, o, true), undefined, { rank: this.rank, mode: 'exscan' }),
      value,
    ) as Promise<T | undefined>;
  }

  /**
   * Reduces element-wise, then rank j keeps part j: `counts[j]` elements, or equal parts.
   *
   * @example
   * const mine = await comm.reduceScatter(new Float64Array(4 * comm.size).fill(1), SUM); // 4 elements, each = size
   */
  reduceScatter<A extends TypedArray | readonly unknown[]>(value: A, op: ReduceOp, options?: CountsOptions): Promise<A> {
    return this.collective(
      Coll.ReduceScatter,
      () => reduceScatterPlan(this, value, op, options, (o, counts) => reduceScatter(this, value, o, counts)),
      value,
    ) as Promise<A>;
  }

  // Checks the arguments here, agrees on the call and on any error with every rank, then
  // runs the algorithm: all of it in this communicator's collective turn.
  private collective<T>(coll: Coll, prepare: () => Plan<T>, value?: unknown): Promise<T> {
    let plan: Plan<T> | undefined;
    let error: unknown;
    try {
      plan = prepare();
    } catch (err) {
      error = err;
    }
    const done = this.serial(async () => {
      const rode = await agree(this, { coll, root: plan?.root, op: plan?.op, shape: plan?.shape, shapeWhat: plan?.shapeWhat, ride: plan?.ride, error });
      return plan!.run(rode);
    });
    return recording ? traceCollective(recording, done, collName(coll), this.name, plan?.root, value) : done;
  }

  // ---- Communicator management ----

  /**
   * A new communicator with the same ranks; its traffic never mixes with this one's.
   *
   * @example
   * const lib = await comm.dup(); // a library's private channel
   */
  async dup(): Promise<Communicator> {
    const ctx = await this.agreeContext(0, this.rank);
    this.transport.derive?.(this.context, ctx.context, 0, this.rank, this.group.members);
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
    let error: unknown;
    if (!Number.isInteger(color) || (color < 0 && color !== UNDEFINED))
      error = new ArgumentRangeError(`Expected \`color\` to be an integer >= 0 or UNDEFINED, got ${String(color)}`);
    else if (!Number.isInteger(key)) error = new ArgumentRangeError(`Expected \`key\` to be an integer, got ${String(key)}`);
    const { context, all } = await this.agreeContext(color, key, { error });
    const members =
      color === UNDEFINED
        ? []
        : all
            .map(([c, k], r) => ({ c, k, r }))
            .filter((m) => m.c === color)
            .sort((a, b) => a.k - b.k || a.r - b.r)
            .map((m) => this.world(m.r));
    this.transport.derive?.(this.context, context, color, key, members);
    if (color === UNDEFINED) return null;
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
    let error: unknown;
    const periods = options?.periods ?? (Array.isArray(dims) ? dims.map(() => false) : []);
    const cells = Array.isArray(dims) ? dims.reduce((a, d) => a * d, 1) : 0;
    if (!Array.isArray(dims) || dims.length === 0 || !dims.every((d) => Number.isInteger(d) && d >= 1))
      error = new InvalidArgumentError(`Expected \`dims\` to be a non-empty array of integers >= 1, got ${JSON.stringify(dims)}`);
    else if (cells > this.size) error = new ArgumentRangeError(`A ${dims.join('x')} grid needs ${cells} ranks; the communicator has ${this.size}`);
    else if (!Array.isArray(periods) || periods.length !== dims.length)
      error = new InvalidArgumentError(`Expected \`periods\` to have ${dims.length} booleans, got ${JSON.stringify(periods)}`);
    const inside = this.rank < cells;
    const shape = error === undefined ? shapeOf(...dims, -1, ...periods.map(Number)) : undefined;
    const { context } = await this.agreeContext(inside ? 0 : UNDEFINED, this.rank, { error, shape, shapeWhat: 'different `dims` or `periods`' });
    const members = inside ? Array.from({ length: cells }, (_, r) => this.world(r)) : [];
    this.transport.derive?.(this.context, context, inside ? 0 : UNDEFINED, this.rank, members);
    if (!inside) return null;
    // Loaded here, not at the top: CartComm extends this class.
    const { CartComm } = await import('./cart.ts');
    return new CartComm(
      this.transport,
      context,
      new Group(members, this.group.self),
      `${this.name}.createCart([${dims.join(', ')}])`,
      this.contexts,
      dims,
      periods.map(Boolean),
    );
  }

  /**
   * 'ident' (this very communicator), 'congruent' (same ranks, same order), 'similar'
   * (same ranks) or 'unequal' (MPI_Comm_compare). Local: no messages.
   *
   * @example
   * comm.compare(await comm.dup()); // 'congruent'
   */
  compare(other: Communicator): Comparison {
    return compareComms(this, other);
  }

  /**
   * Frees the communicator once its pending collectives are done (MPI_Comm_free); any
   * later use throws ERR_INVALID_STATE. World and self cannot be freed.
   *
   * @example
   * const tmp = await comm.dup(); ...; await tmp.free();
   */
  free(): Promise<void> {
    return this.serial(() => Promise.resolve().then(() => freeComm(this)));
  }

  /**
   * A communicator of `group`'s ranks in `group`'s order (MPI_Comm_create): every rank of
   * this communicator calls it with the same group; ranks outside the group get `null`.
   *
   * @example
   * const evens = await comm.create(comm.group.rangeIncl([[0, comm.size - 1, 2]]));
   */
  async create(group: Group): Promise<Communicator | null> {
    const plan = createPlan(this, group);
    const { context } = await this.agreeContext(plan.inside ? 0 : UNDEFINED, plan.key, { error: plan.error, shape: plan.shape, shapeWhat: 'different groups' });
    this.transport.derive?.(this.context, context, plan.inside ? 0 : UNDEFINED, plan.key, plan.members);
    return plan.inside ? new Communicator(this.transport, context, new Group(plan.members, this.group.self), `${this.name}.create()`, this.contexts) : null;
  }

  /**
   * A communicator of `group`'s ranks (MPI_Comm_create_group): only the group's members
   * call it; concurrent calls of overlapping groups pass different `tag`s.
   *
   * @example
   * if (comm.rank < 2) { const pair = await comm.createGroup(comm.group.incl([0, 1])); }
   */
  async createGroup(group: Group, options?: CreateGroupOptions): Promise<Communicator> {
    const { context, group: g } = await createGroupContext(this, this.contexts, group, options);
    return new Communicator(this.transport, context, new Group(g.members, this.group.self), `${this.name}.createGroup()`, this.contexts);
  }

  /**
   * Splits the ranks by what they share (MPI_Comm_split_type): 'shared' gives the ranks
   * that share memory with this one (threads: every rank; processes and MPI: the ranks on
   * this host), ordered by `key`.
   *
   * @example
   * const node = (await comm.splitType('shared'))!;
   */
  async splitType(type: 'shared', key: number = this.rank): Promise<Communicator | null> {
    return this.split(await sharedColor(this, type), key);
  }

  /**
   * A graph topology over the first `index.length` ranks (MPI_Graph_create; the others get
   * `null`): `index[i]` is the total degree of ranks 0..i, `edges` their neighbours. Every
   * rank passes the same graph.
   *
   * @example
   * const g = await comm.createGraph([1, 2], [1, 0]); // 2 ranks, linked
   */
  async createGraph(index: readonly number[], edges: readonly number[]): Promise<GraphComm | null> {
    return (await import('./graph.ts')).createGraph(this, this.contexts, index, edges);
  }

  /**
   * A distributed graph topology (MPI_Dist_graph_create_adjacent): each rank passes the
   * ranks it receives from and sends to (checked against each other on every rank).
   *
   * @example
   * const g = await comm.createDistGraphAdjacent([left], [right], { weights: { sources: [1], destinations: [1] } });
   */
  async createDistGraphAdjacent(sources: readonly number[], destinations: readonly number[], options?: DistGraphOptions): Promise<DistGraphComm> {
    return (await import('./graph.ts')).createDistGraph(this, this.contexts, sources, destinations, options);
  }

  /** @internal Runs `run` in this communicator's collective turn. */
  inTurn<T>(run: () => Promise<T>): Promise<T> {
    return this.serial(run);
  }

  /** @internal COMM_SELF of this rank (see commSelf()). */
  selfComm(): Communicator {
    const t = this.transport;
    t.deriveSelf?.(SELF_CONTEXT);
    return new Communicator(t, SELF_CONTEXT, new Group([t.rank], t.rank), 'self', this.contexts);
  }

  // Every rank learns every rank's (color, key) and a context number that no member has
  // used yet: larger than any member's next free one. Disjoint communicators may share it.
  // A rank makes its communicators one at a time (in call order), so two of its own can
  // never agree on the same number.
  /** @internal */
  agreeContext(color: number, key: number, checked: Omit<Proposal, 'coll'> = {}): Promise<{ context: number; all: [number, number][] }> {
    // Reserve this rank's next creation slot now (call order), and take this
    // communicator's collective turn now too, so a collective called later cannot overtake it.
    const before = this.contexts.making;
    let made!: () => void;
    this.contexts.making = new Promise<void>((resolve) => (made = resolve));
    return this.serial(async () => {
      try {
        await before;
        await agree(this, { ...checked, coll: Coll.Create });
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
}
