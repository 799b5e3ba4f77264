// Type tests, checked by `npm run typecheck` (tsc): each @ts-expect-error must be an error.
import { tasks, type Executor, type Future, type Pool, type Task, type TaskArgs, type TaskResult } from 'ranks';

const math = tasks<typeof import('../fixtures/math-tasks.ts')>(new URL('../fixtures/math-tasks.ts', import.meta.url));

export const square: Task<[x: number], number> = math.square;
export const greet: Task<[name: string, times: number], string> = math.greet; // Promise<string> is awaited

// @ts-expect-error: LIMIT is not a function export
void math.LIMIT;
// @ts-expect-error: square takes a number, not a string
export const wrongArgs: Task<[string], number> = math.square;
// @ts-expect-error: greet resolves to a string, not a number
export const wrongResult: Task<[string, number], number> = math.greet;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const args: Same<TaskArgs<typeof math.greet>, [name: string, times: number]> = true;
export const result: Same<TaskResult<typeof math.greet>, string> = true;
export const inlineResult: Same<TaskResult<(x: number) => Promise<boolean>>, boolean> = true;

// Pool and Executor carry the task's types through every call.
declare const pool: Pool;
declare const ex: Executor;
export const mapped: Same<Awaited<ReturnType<typeof pool.map<typeof math.square>>>, number[]> = true;
export async function streams(): Promise<void> {
  for await (const y of pool.imap(math.greet, ['a'])) {
    const s: string = y;
    void s;
  }
  for await (const y of pool.imapUnordered(
    math.square,
    (async function* () {
      yield 1;
    })(),
  )) {
    const n: number = y;
    void n;
  }
  // @ts-expect-error: square's items are numbers
  pool.imap(math.square, ['x']);
}
export const submitted: Same<ReturnType<typeof ex.submitWith<typeof math.add>>, Future<number>> = true;
// @ts-expect-error: add takes two numbers
ex.submitWith(math.add, [1, 'b'], { timeout: 5 });
