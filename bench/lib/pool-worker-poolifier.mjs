// The tiny task as poolifier loads it: a ThreadWorker around the function that execute() calls.
import { ThreadWorker } from 'poolifier';

export default new ThreadWorker(({ a, b }) => a + b);
