// Type tests for futures of different result types together, checked by `npm run
// typecheck` against the published declarations (dist/*.d.ts, built with stripInternal).
import { asCompleted, wait, type Executor, type Future } from 'ranks';

declare const ex: Executor;
declare const fNumber: Future<number>;
declare const fString: Future<string>;

// A future of a narrower result is a future of a wider one.
export const widened: Future<unknown> = fNumber;
export const unionOf: Future<number | string> = fString;
export const mixed: Future<unknown>[] = [fNumber, fString];
// @ts-expect-error: a Future<string> is not a Future<number>
export const narrowed: Future<number> = fString;

export async function mixing(): Promise<void> {
  for await (const f of asCompleted([fNumber, fString])) {
    const v: number | string = await f.result();
    // @ts-expect-error: the result may be a string
    const n: number = await f.result();
    void [v, n];
  }
  const { done, notDone } = await wait([fNumber, fString], { returnWhen: 'FIRST_COMPLETED' });
  for (const f of [...done, ...notDone]) {
    const v: number | string = await f.result();
    void v;
  }
  const all = await wait(mixed);
  const first: Future<unknown> | undefined = [...all.done][0];
  void first;
  const submitted = [ex.submit((x: number) => x * 2, 1), ex.submit((s: string) => s.length > 1, 'ab')];
  for await (const f of asCompleted(submitted)) {
    const v: number | boolean = await f.future;
    void v;
  }
}
