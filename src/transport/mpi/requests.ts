// Every MPI request in flight lives in one dense array of handles, so one MPI_Testsome
// call checks them all, however many there are.
import type { StatusFields } from './abi.ts';
import type { Mpi } from './bindings.ts';
import { koffi } from './library.ts';

/** Whoever waits for a request: told once, with the request's status. */
export interface RequestOwner {
  /** Slot in the table while in flight; -1 after. */
  slot: number;
  /** A transfer of LARGE bytes or more (see RequestTable.large). */
  large?: boolean;
  complete(status: StatusFields): void;
}

const GROW = 64;
/**
 * From this size on, MPI moves a message in steps that need both sides in MPI calls
 * (rendezvous, pipelined copies through shared cells): while one is in flight the
 * progress loop keeps polling instead of napping (progress.ts).
 */
export const LARGE = 64 * 1024;

export class RequestTable {
  private cap = 0;
  private handles = new Uint8Array(0);
  private base = 0;
  private statuses = new Int32Array(0);
  private indices = new Int32Array(0);
  private readonly outcount = new Int32Array(1);
  private readonly owners: RequestOwner[] = [];
  private readonly one = new Int32Array(8);
  private readonly flag = new Int32Array(1);
  private readonly status: StatusFields = { source: 0, tag: 0, error: 0, count: 0, cancelled: false };
  private readonly polled: StatusFields = { source: 0, tag: 0, error: 0, count: 0, cancelled: false };
  /** Requests completed so far (the progress loop watches it move). */
  completed = 0;
  /** Large transfers in flight. */
  large = 0;

  constructor(private readonly mpi: Mpi) {
    this.grow();
  }

  get size(): number {
    return this.owners.length;
  }

  /** Reserves a slot for `owner`; returns the address MPI writes the new request to. */
  add(owner: RequestOwner, bytes = 0): number {
    if (this.owners.length === this.cap) this.grow();
    if (bytes >= LARGE) {
      owner.large = true;
      this.large++;
    }
    owner.slot = this.owners.length;
    this.owners.push(owner);
    return this.base + owner.slot * this.mpi.abi.handleBytes;
  }

  /** Gives back a slot reserved by add() whose MPI call failed. */
  drop(owner: RequestOwner): void {
    this.remove(owner.slot);
  }

  /** Tests one request now (right after starting it); true if it completed and its owner was told. */
  test(owner: RequestOwner): boolean {
    const m = this.mpi;
    const rc = m.fn.Test(this.base + owner.slot * m.abi.handleBytes, this.flag, this.one);
    if (rc !== 0 && rc !== m.abi.errInStatus) throw m.error(rc, 'MPI_Test');
    if (!this.flag[0]) return false;
    const st = m.abi.readStatus(this.one, 0, this.status);
    if (rc !== 0 && st.error === 0) st.error = rc;
    this.remove(owner.slot);
    this.completed++;
    owner.complete(st);
    return true;
  }

  /** Tests every request once; tells the owners of those that completed. Returns how many did. */
  poll(): number {
    const n = this.owners.length;
    if (n === 0) return 0;
    // One request (a lone receive awaited): MPI_Test is the cheaper call.
    if (n === 1) return this.test(this.owners[0]!) ? 1 : 0;
    const m = this.mpi;
    const rc = m.fn.Testsome(n, this.handles, this.outcount, this.indices, this.statuses);
    if (rc !== 0 && rc !== m.abi.errInStatus) throw m.error(rc, 'MPI_Testsome');
    const done = this.outcount[0]!;
    if (done <= 0 || done === m.abi.undefined) return 0;
    if (done === 1) {
      // The common case (one answer among several awaited), without the allocations below.
      const owner = this.owners[this.indices[0]!]!;
      const st = m.abi.readStatus(this.statuses, 0, this.polled);
      this.remove(owner.slot);
      this.completed++;
      owner.complete(st);
      return 1;
    }
    // Take the finished owners out first: their callbacks may start new requests.
    const finished: [RequestOwner, StatusFields][] = [];
    for (let k = 0; k < done; k++) {
      const i = this.indices[k]!;
      const st = m.abi.readStatus(this.statuses, k, { source: 0, tag: 0, error: 0, count: 0, cancelled: false });
      finished.push([this.owners[i]!, st]);
    }
    for (const [owner] of finished.slice().sort((a, b) => b[0].slot - a[0].slot)) this.remove(owner.slot);
    this.completed += done;
    for (const [owner, st] of finished) owner.complete(st);
    return done;
  }

  /**
   * Cancels a receive that has not matched. True when MPI withdrew it; false when it had
   * already matched (then it has completed, or will, and its owner is told as usual).
   */
  cancel(owner: RequestOwner): boolean {
    const m = this.mpi;
    if (owner.slot < 0) return false;
    const addr = this.base + owner.slot * m.abi.handleBytes;
    m.check(m.fn.Cancel(addr), 'MPI_Cancel');
    // MPICH and Open MPI withdraw an unmatched receive at once; a few tests cover any other.
    for (let i = 0; i < 100; i++) {
      const rc = m.fn.Test(addr, this.flag, this.one);
      if (rc !== 0 && rc !== m.abi.errInStatus) throw m.error(rc, 'MPI_Test');
      if (!this.flag[0]) continue;
      const st = m.abi.readStatus(this.one, 0, this.status);
      this.remove(owner.slot);
      this.completed++;
      if (st.cancelled) return true;
      owner.complete(st);
      return false;
    }
    return false;
  }

  private remove(slot: number): void {
    const owners = this.owners;
    const last = owners.length - 1;
    const gone = owners[slot]!;
    gone.slot = -1;
    if (gone.large) {
      gone.large = false;
      this.large--;
    }
    if (slot !== last) {
      const hb = this.mpi.abi.handleBytes;
      this.handles.copyWithin(slot * hb, last * hb, last * hb + hb);
      const moved = owners[last]!;
      owners[slot] = moved;
      moved.slot = slot;
    }
    owners.pop();
  }

  private grow(): void {
    const hb = this.mpi.abi.handleBytes;
    const cap = this.cap === 0 ? GROW : this.cap * 2;
    const handles = new Uint8Array(cap * hb);
    handles.set(this.handles);
    this.handles = handles;
    this.base = Number(koffi().address(handles));
    this.statuses = new Int32Array((cap * this.mpi.abi.statusBytes) / 4);
    this.indices = new Int32Array(cap);
    this.cap = cap;
  }
}
