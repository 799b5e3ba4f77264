// The tiny task as piscina and tinypool load it: the module's default export gets the
// argument of run().
export default function add({ a, b }) {
  return a + b;
}
