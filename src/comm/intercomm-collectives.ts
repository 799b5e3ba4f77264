// The bodies of the intercommunicator collectives. Each checks its arguments on this rank
// into its record, runs the agreement (intercomm-agree.ts: every rank of both groups gets
// every record, payloads included), then takes its result from the records: what the
// remote group sent, in remote rank order. Simple and the same on every transport; the
// payloads pass through the leaders, so it suits control-sized data better than bulk.
import { PROC_NULL, ROOT } from '../constants.ts';
import { ArgumentRangeError, InvalidArgumentError } from '../errors.ts';
import { expected } from '../validate.ts';
import { Coll } from './collectives/call.ts';
import { checkOp, copyOf, isTypedArray, reduceLocal, type Op, type TypedArray } from './collectives/ops.ts';
import { interAgree, ride, said, unride, type InterCore, type Said } from './intercomm-agree.ts';

/** A rooted call's `root`: ROOT, PROC_NULL, or a rank of the remote group. */
export function checkInterRoot(root: unknown, remoteSize: number): number {
  if (root === ROOT || root === PROC_NULL || (Number.isInteger(root) && (root as number) >= 0 && (root as number) < remoteSize)) return root as number;
  return expected('root', `ROOT, PROC_NULL or a rank of the remote group (0..${remoteSize - 1})`, root, typeof root === 'number');
}

/** Values in remote rank order: TypedArrays of one kind come back as one concatenated array. */
function joined(values: unknown[]): unknown {
  const first = values[0];
  if (!isTypedArray(first) || !values.every((v) => isTypedArray(v) && v.constructor === first.constructor)) return values;
  const parts = values as TypedArray[];
  const out = new (first.constructor as new (n: number) => TypedArray)(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p as never, at);
    at += p.length;
  }
  return out;
}

/** `values` as `n` parts: an array of n values, or a TypedArray split into n equal parts. */
function parts(where: string, values: unknown, n: number): unknown[] {
  if (isTypedArray(values)) {
    if (values.length % n !== 0)
      throw new ArgumentRangeError(
        `${where}: a ${values.constructor.name} of ${values.length} elements does not split into ${n} equal parts (one per remote rank)`,
      );
    const k = values.length / n;
    return Array.from({ length: n }, (_, j) => copyOf(values, j * k, (j + 1) * k));
  }
  if (!Array.isArray(values) || values.length !== n)
    throw new InvalidArgumentError(
      `${where}: expected an array of ${n} values (one per remote rank) or a TypedArray, got ${Array.isArray(values) ? `an array of ${values.length}` : typeof values}`,
    );
  return values;
}

// The records of the remote group, payloads decoded.
function remoteValues(theirs: Said[]): unknown[] {
  return theirs.map(unride);
}

export async function interBarrier(ic: InterCore): Promise<void> {
  await interAgree(ic, { coll: Coll.Barrier });
}

export async function interBcast(ic: InterCore, value: unknown, root: unknown): Promise<unknown> {
  const me = said(Coll.Bcast, () => {
    const r = checkInterRoot(root, ic.remoteSize);
    return { root: r, ...(r === ROOT ? { ride: ride(value) } : {}) };
  });
  const { theirs } = await interAgree(ic, me);
  // The root's group gets nothing back (mpi4py returns None there).
  return me.root! >= 0 ? unride(theirs[me.root!]) : undefined;
}

export async function interScatter(ic: InterCore, values: unknown, root: unknown): Promise<unknown> {
  const me = said(Coll.Scatter, () => {
    const r = checkInterRoot(root, ic.remoteSize);
    return { root: r, ...(r === ROOT ? { ride: ride(parts('scatter', values, ic.remoteSize)) } : {}) };
  });
  const { theirs } = await interAgree(ic, me);
  if (me.root! < 0) return undefined;
  return (unride(theirs[me.root!]) as unknown[])[ic.rank];
}

export async function interGather(ic: InterCore, value: unknown, root: unknown): Promise<unknown> {
  const me = said(Coll.Gather, () => {
    const r = checkInterRoot(root, ic.remoteSize);
    return { root: r, ...(r >= 0 ? { ride: ride(value) } : {}) };
  });
  const { theirs } = await interAgree(ic, me);
  return me.root === ROOT ? joined(remoteValues(theirs)) : undefined;
}

export async function interAllgather(ic: InterCore, value: unknown): Promise<unknown> {
  const { theirs } = await interAgree(
    ic,
    said(Coll.Allgather, () => ({ ride: ride(value) })),
  );
  return joined(remoteValues(theirs));
}

export async function interAlltoall(ic: InterCore, values: unknown): Promise<unknown> {
  const { theirs } = await interAgree(
    ic,
    said(Coll.Alltoall, () => ({ ride: ride(parts('alltoall', values, ic.remoteSize)) })),
  );
  return joined(theirs.map((s) => (unride(s) as unknown[])[ic.rank]));
}

// Remote values combined in remote rank order: ((x0 op x1) op x2) ...
function combine(values: unknown[], op: Op): unknown {
  let acc = values[0];
  for (let j = 1; j < values.length; j++) acc = reduceLocal(acc, values[j], op);
  return acc;
}

export async function interReduce(ic: InterCore, value: unknown, op: unknown, root: unknown): Promise<unknown> {
  let o: Op | undefined;
  const me = said(Coll.Reduce, () => {
    const r = checkInterRoot(root, ic.remoteSize);
    o = checkOp(op);
    if (r >= 0) o.check(value, 'reduce');
    return { root: r, op: o.code, ...(r >= 0 ? { ride: ride(value) } : {}) };
  });
  const { theirs } = await interAgree(ic, me);
  return me.root === ROOT ? combine(remoteValues(theirs), o!) : undefined;
}

export async function interAllreduce(ic: InterCore, value: unknown, op: unknown): Promise<unknown> {
  let o: Op | undefined;
  const { theirs } = await interAgree(
    ic,
    said(Coll.Allreduce, () => {
      o = checkOp(op);
      o.check(value, 'allreduce');
      return { op: o.code, ride: ride(value) };
    }),
  );
  return combine(remoteValues(theirs), o!);
}
