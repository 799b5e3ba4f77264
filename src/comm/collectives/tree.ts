/**
 * The binomial tree over virtual ranks 0..size-1 rooted at 0 (MPICH's): `parent` is -1 at
 * the root; `children` come largest subtree first, so the far half starts earliest.
 */
export function binomial(vrank: number, size: number): { parent: number; children: number[] } {
  let mask = 1;
  while (mask < size && (vrank & mask) === 0) mask <<= 1;
  const parent = vrank === 0 ? -1 : vrank - mask;
  const children: number[] = [];
  for (mask >>= 1; mask > 0; mask >>= 1) if (vrank + mask < size) children.push(vrank + mask);
  return { parent, children };
}
