import { RanksError } from '../errors.ts';

/**
 * An RMA call passed data of another element kind than the target's window holds
 * (a Float32Array put into a Float64Array window). Nothing was written.
 *
 * @example
 * await win.put(new Int32Array(1), 1).catch((e) => e.code); // 'ERR_KIND_MISMATCH' on a Float64Array window
 */
export class WinKindMismatchError extends RanksError {
  constructor(
    readonly expected: string,
    readonly got: string,
    where: string,
  ) {
    super('ERR_KIND_MISMATCH', `${where}: the target's window holds ${expected} elements, got a ${got}; nothing was written`);
  }
}
