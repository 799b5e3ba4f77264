import { PROC_NULL } from '../constants.ts';
import { InvalidArgumentError } from '../errors.ts';
import { checkInteger } from '../validate.ts';
import type { Transport } from '../transport/transport.ts';
import { TopoComm } from './topo-comm.ts';
import type { Group } from './group.ts';
import type { Contexts } from './options.ts';
import { cartCoords, cartRank } from './topology.ts';
import { checkDest } from './validate.ts';
import type { Neighbourhood } from './neighbor.ts';

/**
 * A communicator whose ranks form a Cartesian grid (row-major), made by `createCart`.
 *
 * @example
 * const grid = (await comm.createCart([2, 2], { periods: [true, false] }))!;
 * grid.coords; // e.g. [1, 0]
 * const { source, dest } = grid.shift(1, 1);
 */
export class CartComm extends TopoComm {
  /** This rank's coordinates. */
  readonly coords: readonly number[];

  /** @internal */
  constructor(
    transport: Transport,
    context: number,
    group: Group,
    name: string,
    contexts: Contexts,
    readonly dims: readonly number[],
    readonly periods: readonly boolean[],
  ) {
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
    checkInteger('dim', dim, { min: 0, max: this.ndim - 1 });
    checkInteger('disp', disp);
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
   * This rank's neighbours in MPI's order: per dimension, the rank behind then the rank
   * ahead (PROC_NULL off a non-periodic edge). Neighbourhood collectives use this list.
   *
   * @example
   * grid.inNeighbors; // [up, down, left, right] on a 2-D grid
   */
  get inNeighbors(): number[] {
    return this.dims.flatMap((_, d) => {
      const { source, dest } = this.shift(d, 1);
      return [source, dest];
    });
  }

  /** Same as `inNeighbors` on a Cartesian grid. @example grid.outNeighbors */
  get outNeighbors(): number[] {
    return this.inNeighbors;
  }

  /** @internal Data sent behind arrives as "from ahead" at the receiver, and the other way round. */
  override neighbourhood(): Neighbourhood {
    const n = this.inNeighbors;
    return { sources: n, destinations: n, sendKeys: n.map((_, j) => j ^ 1), recvKeys: n.map((_, i) => i) };
  }

  /**
   * The sub-grid through this rank that keeps the dimensions where `remainDims` is true
   * (MPI_Cart_sub): e.g. [false, true] gives this rank's row.
   *
   * @example
   * const row = await grid.sub([false, true]);
   */
  async sub(remainDims: readonly boolean[]): Promise<CartComm> {
    if (!Array.isArray(remainDims) || remainDims.length !== this.ndim)
      throw new InvalidArgumentError(`Expected \`remainDims\` to have ${this.ndim} booleans, got ${JSON.stringify(remainDims)}`);
    const keep = (c: readonly number[], want: boolean): number[] => c.filter((_, i) => Boolean(remainDims[i]) === want);
    const color = cartRank(keep(this.dims, false), [], keep(this.coords, false));
    const key = cartRank(keep(this.dims, true), [], keep(this.coords, true));
    const part = await this.split(color, key);
    const dims = keep(this.dims, true);
    const periods = this.periods.filter((_, i) => remainDims[i]);
    return new CartComm(
      this.transport,
      part!.context,
      part!.group,
      `${this.name}.sub([${remainDims.join(', ')}])`,
      this.contexts,
      dims.length ? dims : [1],
      dims.length ? periods : [false],
    );
  }
}
