import { PROC_NULL } from '../constants.ts';
import { InvalidStateError } from '../errors.ts';
import { checkTarget } from './checks.ts';

/**
 * Which epochs a rank has open on one window (fence, lock, lockAll, start, post) and
 * whether it was freed; the checks every window call makes against them, with the
 * coded error that names what to open first.
 */
export class Epochs {
  fenced = false;
  all = false;
  readonly locks = new Map<number, boolean>();
  started: Set<number> | undefined;
  posted = false;
  freed = false;

  constructor(readonly size: number) {}

  /** Whether any epoch other than a fence is open (fence and free refuse then). */
  get open(): boolean {
    return this.locks.size > 0 || this.all || this.started !== undefined || this.posted;
  }

  alive(where: string): void {
    if (this.freed) throw new InvalidStateError(`${where}: the window has been freed`);
  }

  // The target of an RMA operation, checked, with an access epoch open to it.
  target(target: number, where: string): number {
    this.alive(where);
    if (target === PROC_NULL) return PROC_NULL;
    const t = checkTarget(target, this.size, where);
    if (this.fenced || this.all || this.locks.has(t) || this.started?.has(t)) return t;
    throw new InvalidStateError(`${where}: no epoch is open to rank ${t}; open one with fence(), lock(${t}), lockAll() or start() first; nothing was written`);
  }

  sync(target: number, where: string): number {
    this.alive(where);
    const t = checkTarget(target, this.size, where);
    // As in MPI practice (mpi4py's tests), a lock may follow a fence: it ends the fence epoch.
    this.fenced = false;
    if (this.started || this.posted) throw new InvalidStateError(`${where}: a start or post epoch is open; end it first`);
    return t;
  }

  passiveNow(target: number, where: string): number {
    this.alive(where);
    const t = checkTarget(target, this.size, where);
    if (!this.all && !this.locks.has(t)) throw new InvalidStateError(`${where}: rank ${t} is not locked by this rank (lock or lockAll first)`);
    return t;
  }

  passiveAny(where: string): void {
    this.alive(where);
    if (!this.all && this.locks.size === 0) throw new InvalidStateError(`${where}: no passive-target epoch is open (lock or lockAll first)`);
  }
}
