/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form of every JSON value hoso signs,
 * hashes and stores.
 *
 * Written here rather than wrapping the `canonicalize` npm package because that package follows
 * `JSON.stringify` leniency (drops `undefined` members, calls `toJSON`, turns `Map` into `{}`),
 * and a signed ledger must refuse such values instead of silently changing them. The output for
 * every value both accept is identical (the tests hold them together).
 *
 * Accepted: `null`, booleans, finite numbers, well-formed strings, arrays, plain objects (prototype
 * `Object.prototype` or `null`). Everything else is an error with the `path` of the offending value.
 */
import { left, right, isLeft, type Either } from 'fp-ts/lib/Either.js';
import { hosoError, HosoFailure, type HosoError } from './errors.js';
import { utf8 } from './bytes.js';

/** Deepest nesting {@link canonicalize} accepts (the root value is level 1). */
export const MAX_CANONICAL_DEPTH = 64;

/** Why a value has no canonical form: not JSON (`not-canonicalizable`) or nested too deep (`too-deep`). */
export type CanonicalError = HosoError<'not-canonicalizable' | 'too-deep'>;

const RULE = 'RFC 8785 §3.2';

// Lone surrogates only: in `u` mode a well-formed pair is one code point and does not match.
const LONE_SURROGATE = /\p{Surrogate}/u;

type Path = Array<string | number>;

/** Thrown internally to unwind the recursion; never escapes this module. */
class Stop extends Error {
  constructor(readonly error: CanonicalError) {
    super(error.message);
  }
}

function fail(code: CanonicalError['code'], message: string, path: Path, rule: string = RULE): never {
  throw new Stop(hosoError(code, message, { path: [...path], rule }));
}

function str(s: string, path: Path): string {
  if (LONE_SURROGATE.test(s))
    fail(
      'not-canonicalizable',
      'string contains a lone surrogate (not I-JSON)',
      path,
      'RFC 8785 §3.2.2.2, RFC 7493 §2.1',
    );
  // ECMAScript JSON.stringify is exactly the JCS string serialisation (RFC 8785 §3.2.2.2).
  return JSON.stringify(s);
}

function describe(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'object' && v !== null) return `an instance of ${v.constructor?.name ?? 'an unknown class'}`;
  return `a ${typeof v}`;
}

function ser(v: unknown, path: Path, depth: number, ancestors: object[]): string {
  switch (typeof v) {
    case 'string':
      return str(v, path);
    case 'number':
      if (!Number.isFinite(v))
        fail('not-canonicalizable', `number ${String(v)} has no JSON form`, path, 'RFC 8785 §3.2.2.3');
      // Number→String per ECMAScript (RFC 8785 §3.2.2.3); JSON.stringify also maps -0 to "0".
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (depth > MAX_CANONICAL_DEPTH)
        fail('too-deep', `nested deeper than ${MAX_CANONICAL_DEPTH} levels`, path, 'hoso: maximum JSON depth');
      if (ancestors.includes(v)) fail('not-canonicalizable', 'circular reference', path);
      ancestors.push(v);
      let out: string;
      if (Array.isArray(v)) {
        out = '[';
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out += ',';
          path.push(i);
          // A hole reads as undefined and is refused there, unlike JSON.stringify's silent null.
          out += ser(v[i], path, depth + 1, ancestors);
          path.pop();
        }
        out += ']';
      } else {
        const proto: unknown = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null)
          fail('not-canonicalizable', `${describe(v)} is not a plain JSON object`, path);
        const o = v as Record<string, unknown>;
        // Default sort compares UTF-16 code units, which is the JCS order (RFC 8785 §3.2.3).
        const keys = Object.keys(o).sort();
        out = '{';
        for (let i = 0; i < keys.length; i++) {
          const k = keys[i]!;
          if (i > 0) out += ',';
          path.push(k);
          out += str(k, path) + ':' + ser(o[k], path, depth + 1, ancestors);
          path.pop();
        }
        out += '}';
      }
      ancestors.pop();
      return out;
    }
    default:
      return fail('not-canonicalizable', `${describe(v)} has no JSON form`, path);
  }
}

// The fast pass keeps no path and no ancestor list (a cycle shows up as depth overflow): on any
// problem it bails out and the careful pass above re-runs to name the path and the reason.
// An Error made once (throwing it costs no stack capture), so that only Errors are ever thrown.
const BAIL = new Error('canonical: take the slow path');

// Any character that JSON escapes, or any surrogate (paired or not: no `u` flag).
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const NEEDS_CARE = /["\\\u0000-\u001f\ud800-\udfff]/;

function fastStr(s: string): string {
  // Most strings (ids, keys, hashes, Vietnamese text) need no escape: quote them directly.
  if (!NEEDS_CARE.test(s)) return '"' + s + '"';
  if (LONE_SURROGATE.test(s)) throw BAIL;
  return JSON.stringify(s);
}

/** Own enumerable keys in UTF-16 code-unit order; skips the sort when they already are (parsed canonical input). */
function sortedKeys(o: object): string[] {
  const keys = Object.keys(o);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) return keys.sort();
  }
  return keys;
}

function fastSer(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string':
      return fastStr(v);
    case 'number':
      if (!Number.isFinite(v)) throw BAIL;
      return JSON.stringify(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (v === null) return 'null';
      if (depth > MAX_CANONICAL_DEPTH) throw BAIL;
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) out += (i > 0 ? ',' : '') + fastSer(v[i], depth + 1);
        return out + ']';
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw BAIL;
      const o = v as Record<string, unknown>;
      const keys = sortedKeys(o);
      let out = '{';
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        out += (i > 0 ? ',' : '') + fastStr(k) + ':' + fastSer(o[k], depth + 1);
      }
      return out + '}';
    }
    default:
      throw BAIL;
  }
}

/**
 * The RFC 8785 canonical JSON text of `value`, or a {@link CanonicalError} naming the `path` of the
 * first value that has no canonical form (NaN, ±Infinity, undefined, functions, symbols, bigint,
 * lone surrogates, non-plain objects, cycles) or `too-deep` beyond {@link MAX_CANONICAL_DEPTH}.
 */
export function canonicalizeE(value: unknown): Either<CanonicalError, string> {
  try {
    return right(fastSer(value, 1));
  } catch (e) {
    if (e !== BAIL && !(e instanceof RangeError)) return left(unreadable(e));
  }
  try {
    return right(ser(value, [], 1, []));
  } catch (e) {
    if (e instanceof Stop) return left(e.error);
    return left(unreadable(e));
  }
}

// A hostile getter or proxy may throw anything while being read.
function unreadable(e: unknown): CanonicalError {
  return hosoError('not-canonicalizable', `value could not be read: ${e instanceof Error ? e.message : String(e)}`, {
    path: [],
    rule: RULE,
  });
}

/**
 * The RFC 8785 canonical JSON text of `value` (docs/design.md §4 reference function).
 * @throws HosoFailure carrying the {@link CanonicalError} of {@link canonicalizeE}.
 */
export function canonicalize(value: unknown): string {
  const r = canonicalizeE(value);
  if (isLeft(r)) throw new HosoFailure(r.left);
  return r.right;
}

/**
 * UTF-8 bytes of the canonical form of `value` — the bytes hoso hashes and signs.
 * @throws HosoFailure as {@link canonicalize}.
 */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}
