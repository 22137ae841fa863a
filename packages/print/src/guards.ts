/**
 * Checks of caller input that keep its declared type: `Array.isArray` narrows a readonly array to
 * `any[]`, which would turn every later access into an unchecked one.
 */

/** True when `x` really is an array (input from JavaScript may not be); `x` keeps its element type. */
export function isList<T>(x: ReadonlyArray<T>): boolean {
  return Array.isArray(x);
}
