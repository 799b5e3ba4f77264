import { PROC_NULL, UNDEFINED } from '../constants.ts';
import { ArgumentRangeError, InvalidArgumentError } from '../errors.ts';

/**
 * An ordered set of ranks (MPI_Group): which world ranks a communicator holds, in its
 * rank order. Use it to translate rank numbers between communicators.
 *
 * @example
 * const evens = await comm.split(comm.rank % 2);
 * evens!.group.translateRanks([0, 1], comm.group); // the world ranks of evens' 0 and 1
 */
export class Group {
  /** How many ranks the group has. */
  readonly size: number;
  /** This rank's number in the group, or UNDEFINED when it is not a member. */
  readonly rank: number;
  private readonly index = new Map<number, number>();

  /** @internal */
  constructor(
    /** @internal The world rank of each member, in group order. */
    readonly members: readonly number[],
    /** @internal This process's world rank. */
    readonly self: number,
  ) {
    this.size = members.length;
    members.forEach((w, i) => this.index.set(w, i));
    this.rank = this.index.get(self) ?? UNDEFINED;
    Object.freeze(this.members);
  }

  /**
   * The numbers in `other` of the ranks numbered `ranks` here (UNDEFINED for those that
   * `other` lacks; PROC_NULL stays PROC_NULL, as in MPI).
   *
   * @example
   * sub.group.translateRanks([0], comm.group); // [rank in comm of sub's rank 0]
   */
  translateRanks(ranks: readonly number[], other: Group): number[] {
    return ranks.map((r) => (r === PROC_NULL ? PROC_NULL : (other.index.get(this.member(r)) ?? UNDEFINED)));
  }

  /**
   * A group of the members numbered `ranks`, in that order.
   *
   * @example
   * comm.group.incl([0, 2]);
   */
  incl(ranks: readonly number[]): Group {
    const seen = new Set<number>();
    return new Group(ranks.map((r) => {
      if (seen.has(r)) throw new InvalidArgumentError(`Expected \`ranks\` without repeats, got ${r} twice`);
      seen.add(r);
      return this.member(r);
    }), this.self);
  }

  /**
   * The group without the members numbered `ranks`.
   *
   * @example
   * comm.group.excl([0]); // every rank but 0
   */
  excl(ranks: readonly number[]): Group {
    const drop = new Set(ranks.map((r) => this.member(r)));
    return new Group(this.members.filter((w) => !drop.has(w)), this.self);
  }

  /** 'ident' (same members, same order), 'similar' (same members) or 'unequal'. @example a.compare(b) */
  compare(other: Group): 'ident' | 'similar' | 'unequal' {
    if (this.size !== other.size) return 'unequal';
    if (this.members.every((w, i) => other.members[i] === w)) return 'ident';
    return this.members.every((w) => other.index.has(w)) ? 'similar' : 'unequal';
  }

  private member(r: number): number {
    const w = this.members[r];
    if (!Number.isInteger(r) || w === undefined) throw new ArgumentRangeError(`Expected a rank in 0..${this.size - 1}, got ${String(r)}`);
    return w;
  }
}
