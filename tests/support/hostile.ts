/**
 * Hostile inputs for the reliability tests: values and texts that have broken JSON, canonical-form
 * and parser code elsewhere — deep nesting, numbers without a JSON form, lone surrogates, invalid
 * UTF-8, oversized strings, prototype keys, cycles and non-plain objects.
 */
import fc from 'fast-check';

/** Give a value a short description for fast-check's reports (which recurse and would overflow). */
function labelled<T extends object>(v: T, label: string): T {
  Object.defineProperty(v, fc.toStringMethod, { value: () => label, enumerable: false });
  return v;
}

/** `[[[…]]]` nested `depth` levels deep, built without recursion. */
export function deepArray(depth: number): unknown {
  let v: unknown[] = [];
  for (let i = 0; i < depth; i++) v = [v];
  return labelled(v, `deepArray(${depth})`);
}

/** `{"a":{"a":…}}` nested `depth` levels deep. */
export function deepObject(depth: number): unknown {
  let v: object = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return labelled(v, `deepObject(${depth})`);
}

/** A cyclic object (`o.self === o`). */
export function cyclic(): unknown {
  const o: Record<string, unknown> = { a: 1 };
  o['self'] = o;
  return o;
}

/** 10,000 levels: far beyond any limit the packages set, near where naive recursion overflows. */
export const DEEP = 10_000;
const deepArr = deepArray(DEEP);
const deepObj = deepObject(DEEP);
const huge = 'x'.repeat(70_000);

/** Values no field of any codec accepts: no JSON form, too deep, too long, or not plain data. */
export const INVALID_VALUES: readonly unknown[] = [
  Infinity,
  -Infinity,
  NaN,
  // eslint-disable-next-line no-loss-of-precision -- 1e309 is the point: a literal that overflows to Infinity
  1e309,
  deepArr,
  deepObj,
  huge,
  'a\ud800b',
  '\udfff',
  undefined,
  BigInt(7),
  Symbol('s'),
  () => 1,
  new Date(0),
  new Map([['a', 1]]),
  cyclic(),
  new Uint8Array([1, 2, 3]),
  // No prototype: no toString, so String(v) and `${v}` throw TypeError.
  Object.assign(Object.create(null) as object, { a: 1 }),
];

/** JSON texts that are edge cases for parsers: numbers without a double, -0, duplicate and prototype keys. */
export const HOSTILE_JSON_TEXTS: readonly string[] = [
  '1e309',
  '-1e309',
  '-0',
  '0.0',
  '1E2',
  'NaN',
  '"NaN"',
  'Infinity',
  '[1e999]',
  '{"a":1,"a":2}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"\\u0000"',
  '\ufeff{}',
  '['.repeat(DEEP) + ']'.repeat(DEEP),
  '{"a":'.repeat(DEEP) + '1' + '}'.repeat(DEEP),
  '"' + 'y'.repeat(70_000) + '"',
  '{"v":1e309}',
  '{"v":-0}',
  '12345678901234567890123456789',
  '',
  ' ',
  '{',
  'null',
];

/** Byte sequences that are not UTF-8: lone continuation, truncated, overlong, surrogate, > U+10FFFF. */
export const INVALID_UTF8: readonly Uint8Array[] = [
  [0x80],
  [0xc3],
  [0xc0, 0xaf],
  [0xe0, 0x80, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xff, 0xfe],
  [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d],
].map((b) => new Uint8Array(b));

/** A string of lone surrogates and other code units (fast-check's `binary` unit is well-formed). */
export const surrogateString = (): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof(fc.integer({ min: 0xd800, max: 0xdfff }), fc.integer({ min: 0, max: 0xffff })), { maxLength: 20 })
    .map((cs) => String.fromCharCode(...cs));

/** Any value: JSON values, the invalid values, hostile strings and numbers. */
export const hostileValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 4 }),
    fc.constantFrom(...INVALID_VALUES),
    fc.constantFrom(
      -0,
      0,
      2 ** 53,
      2 ** 53 + 2,
      -1,
      1.5,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      '',
      ' ',
      '8.5',
      '1e2',
      '-0',
    ),
    surrogateString(),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.anything({ maxDepth: 3 }),
  );

/** Texts worth feeding to a parser: hostile JSON, arbitrary strings, lone surrogates. */
export const hostileText = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom(...HOSTILE_JSON_TEXTS),
    fc.string({ unit: 'binary', maxLength: 200 }),
    surrogateString(),
    fc.json({ maxDepth: 4 }),
  );

/** Bytes worth feeding to a decoder: random, invalid UTF-8, hostile JSON texts. */
export const hostileBytes = (): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.constantFrom(...INVALID_UTF8),
    hostileText().map((s) => new TextEncoder().encode(s)),
  );

/**
 * A mutation of `text`: a character replaced, inserted or deleted, a line dropped or repeated,
 * or the text cut short. Returns the mutated text (which may equal the original).
 */
export const mutatedText = (text: string): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .tuple(fc.nat(text.length - 1), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 }))
      .map(([i, s]) => text.slice(0, i) + s + text.slice(i + 1)),
    fc
      .tuple(fc.nat(text.length), fc.constantFrom('\n', ' ', '"', '\\', '0', '-', '\u2014', '\ud800', '9'.repeat(30)))
      .map(([i, s]) => text.slice(0, i) + s + text.slice(i)),
    fc.nat(text.length - 1).map((i) => text.slice(0, i) + text.slice(i + 1)),
    fc.nat(text.length).map((i) => text.slice(0, i)),
    fc.nat(40).map((i) => {
      const lines = text.split('\n');
      const k = i % lines.length;
      return i % 2 === 0
        ? [...lines.slice(0, k), ...lines.slice(k + 1)].join('\n')
        : [...lines.slice(0, k + 1), ...lines.slice(k)].join('\n');
    }),
  );

/** Set `value` at `path` inside a deep copy of `obj` (a missing `value` deletes the key). */
export function setAt(obj: unknown, path: readonly (string | number)[], value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const copy: Record<string | number, unknown> = Array.isArray(obj)
    ? ([...(obj as unknown[])] as unknown as Record<number, unknown>)
    : { ...(obj as Record<string, unknown>) };
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (rest.length === 0) {
    if (remove) delete copy[head];
    else copy[head] = value;
  } else {
    copy[head] = setAt(copy[head], rest, value, remove);
  }
  return copy;
}

/** Every path to a leaf or inner node of a JSON-like value (objects and arrays), root excluded. */
export function pathsOf(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (v === null || typeof v !== 'object') return [];
  const out: (string | number)[][] = [];
  const entries: Array<[string | number, unknown]> = Array.isArray(v)
    ? v.map((x, i) => [i, x])
    : Object.entries(v as Record<string, unknown>);
  for (const [k, x] of entries) {
    out.push([...prefix, k]);
    out.push(...pathsOf(x, [...prefix, k]));
  }
  return out;
}
