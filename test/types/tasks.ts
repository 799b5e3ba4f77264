// Type tests, checked by `npm run typecheck` (tsc): each @ts-expect-error must be an error.
import { tasks, type Task, type TaskArgs, type TaskResult } from 'ranks';

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
