// Graph topologies: MPI_Graph_create's communicator (one graph that every rank passes
// whole) and MPI_Dist_graph_create_adjacent's (each rank passes its own neighbours).
import { InvalidArgumentError } from '../errors.ts';
import type { Transport } from '../transport/transport.ts';
import { checkDest } from './validate.ts';
import { shapeOf } from './collectives/agree.ts';
import type { Communicator } from './communicator.ts';
import { Group } from './group.ts';
import { TopoComm } from './topo-comm.ts';
import { UNDEFINED } from '../constants.ts';
import { occurrenceKeys, type Neighbourhood } from './neighbor.ts';
import type { Contexts } from './options.ts';

/** Options of `createDistGraphAdjacent`. */
export interface DistGraphOptions {
  /** Edge weights: one per source and one per destination (MPI's sourceweights, destweights). */
  weights?: { sources: readonly number[]; destinations: readonly number[] };
}

function intList(name: string, v: unknown, max?: number): number[] {
  if (!Array.isArray(v)) throw new InvalidArgumentError(`Expected \`${name}\` to be an array of integers, got ${typeof v}`);
  v.forEach((x: unknown, i) => {
    if (!Number.isInteger(x) || (x as number) < 0 || (max !== undefined && (x as number) >= max))
      throw new InvalidArgumentError(`Expected \`${name}[${i}]\` to be an integer in 0..${(max ?? 2 ** 31) - 1}, got ${String(x)}`);
  });
  return [...(v as number[])];
}

/** What every rank checks before `createGraph`: its error, the graph's shape, and whether it is in. */
export function graphPlan(
  size: number,
  rank: number,
  index: unknown,
  edges: unknown,
): { error?: unknown; shape?: number; nnodes: number; index: number[]; edges: number[] } {
  try {
    const idx = intList('index', index);
    const nnodes = idx.length;
    if (nnodes > size) throw new InvalidArgumentError(`A graph of ${nnodes} nodes needs ${nnodes} ranks; the communicator has ${size}`);
    idx.forEach((x, i) => {
      if (i > 0 && x < idx[i - 1]!) throw new InvalidArgumentError(`Expected \`index\` to be non-decreasing (cumulative degrees), got ${JSON.stringify(idx)}`);
    });
    const e = intList('edges', edges, nnodes);
    if ((idx[nnodes - 1] ?? 0) !== e.length) throw new InvalidArgumentError(`\`index\` ends at ${idx[nnodes - 1] ?? 0} but \`edges\` has ${e.length} entries`);
    return { shape: shapeOf(nnodes, ...idx, -1, ...e), nnodes, index: idx, edges: e };
  } catch (error) {
    void rank;
    return { error, nnodes: 0, index: [], edges: [] };
  }
}

/**
 * A communicator with a graph topology (MPI_Graph_create), made by `createGraph`: rank i's
 * neighbours are `edges[index[i-1] .. index[i]-1]`.
 *
 * @example
 * const ring = (await comm.createGraph([2, 4, 6], [1, 2, 0, 2, 0, 1]))!; // 3 ranks, all linked
 * ring.neighbors(ring.rank);
 */
export class GraphComm extends TopoComm {
  /** @internal */
  constructor(
    transport: Transport,
    context: number,
    group: Group,
    name: string,
    contexts: Contexts,
    readonly index: readonly number[],
    readonly edges: readonly number[],
  ) {
    super(transport, context, group, name, contexts);
    Object.freeze(index);
    Object.freeze(edges);
  }

  /** The neighbours of `rank` (MPI_Graph_neighbors). @example g.neighbors(0) */
  neighbors(rank: number): number[] {
    const r = checkDest(rank, this.size);
    return this.edges.slice(r === 0 ? 0 : this.index[r - 1], this.index[r]);
  }

  /** How many neighbours `rank` has (MPI_Graph_neighbors_count). @example g.neighborsCount(0) */
  neighborsCount(rank: number): number {
    return this.neighbors(rank).length;
  }

  /** This rank's neighbours (receives come from them, sends go to them). @example g.inNeighbors */
  get inNeighbors(): number[] {
    return this.neighbors(this.rank);
  }

  /** Same as `inNeighbors` on a graph. @example g.outNeighbors */
  get outNeighbors(): number[] {
    return this.neighbors(this.rank);
  }

  /** @internal */
  override neighbourhood(): Neighbourhood {
    const n = this.neighbors(this.rank);
    const keys = occurrenceKeys(n);
    return { sources: n, destinations: n, sendKeys: keys, recvKeys: keys };
  }
}

/** A rank's own adjacency for `createDistGraphAdjacent`, checked. */
export function distPlan(
  size: number,
  sources: unknown,
  destinations: unknown,
  options: DistGraphOptions | undefined,
): { s: number[]; d: number[]; sw?: number[]; dw?: number[] } {
  const s = intList('sources', sources, size);
  const d = intList('destinations', destinations, size);
  const w = options?.weights;
  if (w === undefined) return { s, d };
  const sw = intList('weights.sources', w.sources);
  const dw = intList('weights.destinations', w.destinations);
  if (sw.length !== s.length || dw.length !== d.length)
    throw new InvalidArgumentError(`Expected one weight per source (${s.length}) and per destination (${d.length}), got ${sw.length} and ${dw.length}`);
  return { s, d, sw, dw };
}

/** Every rank's adjacency, checked together: j must list i as a source as often as i lists j as a destination. */
export function distConsistency(all: readonly ({ s: number[]; d: number[] } | { error: string })[]): string | undefined {
  const bad = all.findIndex((a) => 'error' in a);
  if (bad >= 0) return `${(all[bad] as { error: string }).error} [rank ${bad} of createDistGraphAdjacent]`;
  const lists = all as readonly { s: number[]; d: number[] }[];
  const count = (xs: readonly number[], v: number): number => xs.reduce((a, x) => a + (x === v ? 1 : 0), 0);
  for (let i = 0; i < lists.length; i++) {
    for (const j of new Set(lists[i]!.d)) {
      if (count(lists[i]!.d, j) !== count(lists[j]!.s, i))
        return `createDistGraphAdjacent: rank ${i} lists rank ${j} as a destination ${count(lists[i]!.d, j)} time(s), rank ${j} lists rank ${i} as a source ${count(lists[j]!.s, i)} time(s); they must match`;
    }
    for (const j of new Set(lists[i]!.s)) {
      if (count(lists[i]!.s, j) !== count(lists[j]!.d, i))
        return `createDistGraphAdjacent: rank ${i} lists rank ${j} as a source ${count(lists[i]!.s, j)} time(s), rank ${j} lists rank ${i} as a destination ${count(lists[j]!.d, i)} time(s); they must match`;
    }
  }
  return undefined;
}

/**
 * A communicator with a distributed graph topology (MPI_Dist_graph_create_adjacent), made
 * by `createDistGraphAdjacent`: each rank knows who it receives from and sends to.
 *
 * @example
 * const right = (comm.rank + 1) % comm.size, left = (comm.rank + comm.size - 1) % comm.size;
 * const g = await comm.createDistGraphAdjacent([left], [right]);
 * await g.neighborAllgather(comm.rank); // [left]
 */
export class DistGraphComm extends TopoComm {
  /** @internal */
  constructor(
    transport: Transport,
    context: number,
    group: Group,
    name: string,
    contexts: Contexts,
    /** Ranks this rank receives from. */
    readonly inNeighbors: readonly number[],
    /** Ranks this rank sends to. */
    readonly outNeighbors: readonly number[],
    /** Weights of `inNeighbors` (undefined: unweighted). */
    readonly inWeights?: readonly number[],
    /** Weights of `outNeighbors` (undefined: unweighted). */
    readonly outWeights?: readonly number[],
  ) {
    super(transport, context, group, name, contexts);
  }

  /** How many ranks this rank receives from. @example g.inDegree */
  get inDegree(): number {
    return this.inNeighbors.length;
  }

  /** How many ranks this rank sends to. @example g.outDegree */
  get outDegree(): number {
    return this.outNeighbors.length;
  }

  /** @internal */
  override neighbourhood(): Neighbourhood {
    return {
      sources: this.inNeighbors,
      destinations: this.outNeighbors,
      sendKeys: occurrenceKeys(this.outNeighbors),
      recvKeys: occurrenceKeys(this.inNeighbors),
    };
  }
}

/** @internal createGraph's body (see Communicator.createGraph). */
export async function createGraph(comm: Communicator, contexts: Contexts, index: unknown, edges: unknown): Promise<GraphComm | null> {
  const plan = graphPlan(comm.size, comm.rank, index, edges);
  const inside = plan.error === undefined && comm.rank < plan.nnodes;
  const { context } = await comm.agreeContext(inside ? 0 : UNDEFINED, comm.rank, {
    error: plan.error,
    shape: plan.shape,
    shapeWhat: 'different `index` or `edges`',
  });
  const members = inside ? Array.from({ length: plan.nnodes }, (_, r) => comm.world(r)) : [];
  comm.transport.derive?.(comm.context, context, inside ? 0 : UNDEFINED, comm.rank, members);
  return inside
    ? new GraphComm(comm.transport, context, new Group(members, comm.group.self), `${comm.name}.createGraph()`, contexts, plan.index, plan.edges)
    : null;
}

/** @internal createDistGraphAdjacent's body: every rank's lists are checked together, then the ranks dup. */
export async function createDistGraph(
  comm: Communicator,
  contexts: Contexts,
  sources: unknown,
  destinations: unknown,
  options: DistGraphOptions | undefined,
): Promise<DistGraphComm> {
  let mine: ReturnType<typeof distPlan> | { error: string };
  try {
    mine = distPlan(comm.size, sources, destinations, options);
  } catch (err) {
    mine = { error: (err as Error).message };
  }
  const wrong = distConsistency(await comm.allgather(mine));
  if (wrong !== undefined) throw new InvalidArgumentError(wrong);
  const p = mine as ReturnType<typeof distPlan>;
  const dup = await comm.dup();
  return new DistGraphComm(comm.transport, dup.context, dup.group, `${comm.name}.createDistGraphAdjacent()`, contexts, p.s, p.d, p.sw, p.dw);
}
