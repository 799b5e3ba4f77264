import { PROC_NULL, UNDEFINED } from '../constants.ts';
import { ArgumentRangeError, InvalidArgumentError } from '../errors.ts';
import { checkArray, checkInteger } from '../validate.ts';

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
    return new Group(
      ranks.map((r) => {
        if (seen.has(r)) throw new InvalidArgumentError(`Expected \`ranks\` without repeats, got ${r} twice`);
        seen.add(r);
        return this.member(r);
      }),
      this.self,
    );
  }

  /**
   * The group without the members numbered `ranks`.
   *
   * @example
   * comm.group.excl([0]); // every rank but 0
   */
  excl(ranks: readonly number[]): Group {
    const drop = new Set(ranks.map((r) => this.member(r)));
    return new Group(
      this.members.filter((w) => !drop.has(w)),
      this.self,
    );
  }

  /**
   * The members of this group, then those of `other` that this group lacks (MPI_Group_union).
   *
   * @example
   * comm.group.incl([0]).union(comm.group.incl([2, 0])); // ranks 0, 2
   */
  union(other: Group): Group {
    checkGroup(other);
    return new Group([...this.members, ...other.members.filter((w) => !this.index.has(w))], this.self);
  }

  /**
   * The members of this group that `other` has too, in this group's order (MPI_Group_intersection).
   *
   * @example
   * comm.group.intersection(comm.group.incl([1, 0])); // ranks 0, 1
   */
  intersection(other: Group): Group {
    checkGroup(other);
    return new Group(
      this.members.filter((w) => other.index.has(w)),
      this.self,
    );
  }

  /**
   * The members of this group that `other` lacks, in this group's order (MPI_Group_difference).
   *
   * @example
   * comm.group.difference(comm.group.incl([0])); // every rank but 0
   */
  difference(other: Group): Group {
    checkGroup(other);
    return new Group(
      this.members.filter((w) => !other.index.has(w)),
      this.self,
    );
  }

  /**
   * The members numbered by the triplets `[first, last, stride]`, in that order
   * (MPI_Group_range_incl): `[[0, 6, 2]]` is ranks 0, 2, 4, 6.
   *
   * @example
   * comm.group.rangeIncl([[0, comm.size - 1, 2]]); // the even ranks
   */
  rangeIncl(ranges: readonly (readonly [number, number, number])[]): Group {
    return this.incl(this.expand(ranges));
  }

  /**
   * The group without the members numbered by the triplets `[first, last, stride]`
   * (MPI_Group_range_excl); the others keep their order.
   *
   * @example
   * comm.group.rangeExcl([[1, comm.size - 1, 2]]); // the even ranks
   */
  rangeExcl(ranges: readonly (readonly [number, number, number])[]): Group {
    const ranks = this.expand(ranges);
    const seen = new Set<number>();
    for (const r of ranks) {
      if (seen.has(r)) throw new InvalidArgumentError(`Expected \`ranges\` without repeats, got ${r} twice`);
      seen.add(r);
    }
    return this.excl(ranks);
  }

  // The ranks a list of [first, last, stride] triplets names, each checked.
  private expand(ranges: readonly (readonly [number, number, number])[]): number[] {
    checkArray('ranges', ranges);
    const out: number[] = [];
    ranges.forEach((t, i) => {
      if (!Array.isArray(t) || t.length !== 3)
        throw new InvalidArgumentError(`Expected \`ranges[${i}]\` to be [first, last, stride], got ${JSON.stringify(t)}`);
      const [first, last, stride] = t as readonly [number, number, number];
      checkInteger(`ranges[${i}][0]`, first, { min: 0, max: this.size - 1 });
      checkInteger(`ranges[${i}][1]`, last, { min: 0, max: this.size - 1 });
      checkInteger(`ranges[${i}][2]`, stride);
      if (stride === 0 || (last - first) * stride < 0)
        throw new InvalidArgumentError(`Expected \`ranges[${i}]\` to have a stride that leads from ${first} to ${last}, got ${stride}`);
      for (let r = first; stride > 0 ? r <= last : r >= last; r += stride) out.push(r);
    });
    return out;
  }

  /** 'ident' (same members, same order), 'similar' (same members) or 'unequal'. @example a.compare(b) */
  compare(other: Group): 'ident' | 'similar' | 'unequal' {
    checkGroup(other, 'other');
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

/** Throws a coded error unless `g` is a Group. */
export function checkGroup(g: unknown, what = 'group'): Group {
  if (!(g instanceof Group)) throw new InvalidArgumentError(`Expected \`${what}\` to be a Group, got ${g === null ? 'null' : typeof g}`);
  return g;
}
