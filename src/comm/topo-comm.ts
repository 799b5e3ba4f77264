import type { TypedArray } from './collectives/ops.ts';
import { Communicator } from './communicator.ts';
import { neighborAllgather, neighborAlltoall, type Neighbourhood, type NeighborCountsOptions } from './neighbor.ts';

/**
 * A communicator with a topology (Cartesian, graph or distributed graph): it has
 * neighbourhood collectives, which move data between each rank and its neighbours only.
 *
 * @example
 * const grid = (await comm.createCart([2, 2], { periods: [true, true] }))!;
 * const halo = await grid.neighborAlltoall(new Float64Array(4 * n)); // one edge to each neighbour
 */
export abstract class TopoComm extends Communicator {
  /**
   * Neighbourhood allgather (MPI_Neighbor_allgather): every out-neighbour gets `value`; the
   * result holds each in-neighbour's value in order (`undefined`, or zeros, for PROC_NULL).
   * TypedArrays come back concatenated; `counts` gives each in-neighbour's length when
   * they differ.
   *
   * @example
   * const fromNeighbours = await grid.neighborAllgather(grid.rank);
   */
  neighborAllgather<A extends TypedArray>(value: A, options?: NeighborCountsOptions): Promise<A>;
  neighborAllgather<T>(value: T): Promise<(T | undefined)[]>;
  neighborAllgather(value: unknown, options?: NeighborCountsOptions): Promise<unknown> {
    const nb = this.neighbourhood();
    return this.inTurn(() => neighborAllgather(this, nb, value, options));
  }

  /**
   * Neighbourhood alltoall (MPI_Neighbor_alltoall, and alltoallv with `counts`): out-neighbour
   * j gets `values[j]` (or part j of a TypedArray); the result holds what each in-neighbour
   * sent, in order. On a Cartesian grid the neighbours are, per dimension, the rank behind
   * then the rank ahead: a halo exchange in one call.
   *
   * @example
   * const halo = await grid.neighborAlltoall(new Float64Array([...up, ...down, ...left, ...right]));
   */
  neighborAlltoall<A extends TypedArray>(values: A, options?: NeighborCountsOptions): Promise<A>;
  neighborAlltoall<T>(values: readonly T[]): Promise<(T | undefined)[]>;
  neighborAlltoall(values: unknown, options?: NeighborCountsOptions): Promise<unknown> {
    const nb = this.neighbourhood();
    return this.inTurn(() => neighborAlltoall(this, nb, values, options));
  }

  /** @internal This rank's neighbourhood. */
  abstract neighbourhood(): Neighbourhood;
}
