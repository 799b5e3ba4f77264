// The ranks side's task module in the pool family, loaded by the pool's workers through
// tasks() (and by the main thread for the serial loop). Plain JavaScript, like the peers'
// worker files, so neither side pays for a TypeScript loader.

/** The tiny task. */
export function add(a, b) {
  return a + b;
}

/** The CPU-bound item: `iters` steps of dependent floating-point arithmetic. */
export function burn(iters) {
  let x = 0;
  for (let i = 0; i < iters; i++) x += Math.sqrt(i + (x % 7));
  return x;
}
