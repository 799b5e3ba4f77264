// Type tests for Process, checked by `npm run typecheck`: each @ts-expect-error must be an error.
import { Process, tasks } from 'ranks';

const t = tasks<typeof import('../fixtures/process-tasks.ts')>(new URL('../fixtures/process-tasks.ts', import.meta.url));

export const ok = new Process({ target: t.exitWith, args: [3] });
export const inline = new Process({ target: (a: string, b: number) => a.repeat(b), args: ['x', 2] });
// @ts-expect-error: exitWith takes a number
export const wrong = new Process({ target: t.exitWith, args: ['3'] });
// @ts-expect-error: the inline target takes (string, number)
export const wrongInline = new Process({ target: (a: string, b: number) => a.repeat(b), args: [2, 'x'] });
// @ts-expect-error: exitWith needs its argument
export const missing = new Process({ target: t.exitWith });
export const none = new Process({ target: t.nothing });
export const optional = new Process({ target: (x?: number) => x, daemon: true });
