/**
 * RFC 8785 (JCS) canonical JSON for the browser, for the plain JSON an event envelope holds:
 * objects, arrays, strings, booleans, null and finite numbers. Keys are sorted by UTF-16 code
 * units (what `Array.prototype.sort` does on strings), strings and numbers are written the way
 * ECMAScript's `JSON.stringify` writes them (RFC 8785 §3.2.2.2, §3.2.2.3). Anything JSON cannot
 * hold exactly (undefined, NaN, ±Infinity, functions, bigints, lone surrogates, non-plain objects)
 * throws, so the page never signs bytes the ledger would read differently.
 *
 * The same file is imported by the example's Node test, which checks it against @hoso/core's
 * `canonicalize` on random values.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * @param {readonly (string | number)[]} path
 * @param {string} why
 * @returns {never}
 */
function fail(path, why) {
  throw new TypeError(`not canonicalizable at ${path.length === 0 ? '(root)' : path.join('.')}: ${why}`);
}

/**
 * @param {unknown} value
 * @param {readonly (string | number)[]} path
 * @param {number} depth
 * @param {string[]} out
 */
function write(value, path, depth, out) {
  if (depth > 64) fail(path, 'nested deeper than 64 levels');
  if (value === null) return void out.push('null');
  switch (typeof value) {
    case 'boolean':
      return void out.push(value ? 'true' : 'false');
    case 'number':
      if (!Number.isFinite(value)) fail(path, 'NaN and Infinity are not JSON');
      return void out.push(JSON.stringify(value)); // -0 → "0", 1e21 → "1e+21": ECMAScript's rules
    case 'string':
      if (LONE_SURROGATE.test(value)) fail(path, 'lone surrogate (I-JSON)');
      return void out.push(JSON.stringify(value));
    case 'object':
      break;
    default:
      fail(path, `a ${typeof value} is not JSON`);
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) fail([...path, i], 'array hole');
      if (i > 0) out.push(',');
      write(value[i], [...path, i], depth + 1, out);
    }
    return void out.push(']');
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) fail(path, 'only plain objects are JSON objects');
  const object = /** @type {Record<string, unknown>} */ (value);
  const keys = Object.keys(object).sort();
  out.push('{');
  keys.forEach((k, i) => {
    if (LONE_SURROGATE.test(k)) fail([...path, k], 'lone surrogate in a key (I-JSON)');
    if (i > 0) out.push(',');
    out.push(JSON.stringify(k), ':');
    write(object[k], [...path, k], depth + 1, out);
  });
  out.push('}');
}

/** The RFC 8785 canonical text of `value`; throws a TypeError naming the path of a value JSON cannot hold. */
export function canonicalize(/** @type {unknown} */ value) {
  /** @type {string[]} */
  const out = [];
  write(value, [], 0, out);
  return out.join('');
}

/** The canonical UTF-8 bytes of `value`. */
export function canonicalBytes(/** @type {unknown} */ value) {
  return new TextEncoder().encode(canonicalize(value));
}
