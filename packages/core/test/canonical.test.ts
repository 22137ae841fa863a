import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import jcsModule from 'canonicalize';
import { canonicalize, canonicalizeE, canonicalBytes, MAX_CANONICAL_DEPTH } from '../src/canonical.js';
import { HosoFailure } from '../src/errors.js';

// The package declares an ES default export but is CommonJS (`module.exports = serialize`): under
// NodeNext the default import is the function itself.
const jcs = jcsModule as unknown as (input: unknown) => string | undefined;

function errorOf(value: unknown) {
  const r = canonicalizeE(value);
  if (!isLeft(r)) throw new Error(`expected an error, got ${r.right}`);
  return r.left;
}

describe('canonicalize — RFC 8785 examples', () => {
  // RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
  const table: Array<[string, string]> = [
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ];
  it.each(table)('number %s → %s', (bits, text) => {
    const n = Buffer.from(bits, 'hex').readDoubleBE(0);
    expect(canonicalize(n)).toBe(text);
    expect(canonicalize([n])).toBe(`[${text}]`);
  });

  it('refuses NaN and ±Infinity (Appendix B 7fffffffffffffff, 7ff0000000000000)', () => {
    for (const bits of ['7fffffffffffffff', '7ff0000000000000', 'fff0000000000000']) {
      const e = errorOf({ x: Buffer.from(bits, 'hex').readDoubleBE(0) });
      expect(e.code).toBe('not-canonicalizable');
      expect(e.path).toEqual(['x']);
    }
  });

  it('writes -0, 1e21, 1e-7 and 333333333.33333329 as ECMAScript does', () => {
    expect(canonicalize(-0)).toBe('0');
    expect(canonicalize(1e21)).toBe('1e+21');
    expect(canonicalize(1e20)).toBe('100000000000000000000');
    expect(canonicalize(1e-7)).toBe('1e-7');
    expect(canonicalize(0.000001)).toBe('0.000001');
    // eslint-disable-next-line no-loss-of-precision -- the literal is the test: its double prints as below
    expect(canonicalize(333333333.33333329)).toBe('333333333.3333333');
  });

  it('sorts keys by UTF-16 code units (§3.2.3 example)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    const out = canonicalize(input);
    expect(Object.values(JSON.parse(out) as Record<string, string>)).toContain('One');
    const order = [...out.matchAll(/":"([^"]+)"/g)].map((m) => m[1]);
    expect(order).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    expect(out.startsWith('{"\\r":"Carriage Return","1":"One","\u0080":"Control"')).toBe(true);
  });

  it('reproduces the §3.2.2 / Appendix example (numbers, escapes, literals)', () => {
    const input =
      '{\n  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],\n' +
      '  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n' +
      '  "literals": [null, true, false]\n}';
    expect(canonicalize(JSON.parse(input))).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('escapes like JSON.stringify: short escapes, lowercase \\u00xx, nothing else', () => {
    expect(canonicalize('\b\t\n\f\r"\\\u0001\u001f\u007f/é')).toBe('"\\b\\t\\n\\f\\r\\"\\\\\\u0001\\u001f\u007f/é"');
  });

  it('gives UTF-8 bytes from canonicalBytes', () => {
    expect(Buffer.from(canonicalBytes({ b: 'điểm', a: 1 })).toString('hex')).toBe(
      Buffer.from('{"a":1,"b":"điểm"}', 'utf8').toString('hex'),
    );
  });
});

describe('canonicalize — refusals name the path and the rule', () => {
  it('refuses lone surrogates in values and keys (I-JSON)', () => {
    const e = errorOf({ data: { name: 'a\ud800b' } });
    expect(e).toMatchObject({ code: 'not-canonicalizable', path: ['data', 'name'] });
    expect(e.rule).toContain('RFC 8785');
    expect(errorOf({ data: { ['\udc00']: 1 } }).path).toEqual(['data', '\udc00']);
    expect(errorOf(['ok', '\ud83d']).path).toEqual([1]);
    expect(canonicalize('\ud83d\ude00')).toBe('"\ud83d\ude00"');
  });

  it('refuses NaN inside data with its path and rule RFC 8785 §3.2', () => {
    const e = errorOf({ data: { score: Number.NaN } });
    expect(e.code).toBe('not-canonicalizable');
    expect(e.path).toEqual(['data', 'score']);
    expect(e.rule).toMatch(/^RFC 8785 §3\.2/);
  });

  it.each([
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a bigint', 10n],
    ['a Date', new Date(0)],
    ['a Map', new Map([[1, 2]])],
    ['a Uint8Array', new Uint8Array(2)],
    ['a boxed number', Object(1) as unknown],
    [
      'a class instance',
      new (class Point {
        x = 1;
      })(),
    ],
  ])('refuses %s (no silent JSON.stringify conversion)', (_name, v) => {
    expect(errorOf({ a: [{ b: v }] })).toMatchObject({ code: 'not-canonicalizable', path: ['a', 0, 'b'] });
    expect(() => canonicalize({ a: [{ b: v }] })).toThrow(HosoFailure);
  });

  it('refuses holes in arrays instead of writing null', () => {
    // eslint-disable-next-line no-sparse-arrays
    expect(errorOf([1, , 3]).path).toEqual([1]);
  });

  it('refuses cycles', () => {
    const o: Record<string, unknown> = { a: {} };
    (o['a'] as Record<string, unknown>)['self'] = o;
    const e = errorOf(o);
    expect(e.code).toBe('not-canonicalizable');
    expect(e.message).toContain('circular');
    expect(e.path).toEqual(['a', 'self']);
  });

  it(`accepts ${MAX_CANONICAL_DEPTH} levels and refuses one more with too-deep`, () => {
    const nest = (n: number): unknown => {
      let v: unknown = 0;
      for (let i = 0; i < n; i++) v = i % 2 === 0 ? [v] : { k: v };
      return v;
    };
    expect(isRight(canonicalizeE(nest(MAX_CANONICAL_DEPTH)))).toBe(true);
    expect(errorOf(nest(MAX_CANONICAL_DEPTH + 1)).code).toBe('too-deep');
    // hostile depth cannot blow the stack
    expect(errorOf(nest(200_000)).code).toBe('too-deep');
  });

  it('canonicalize throws a HosoFailure carrying the same error as canonicalizeE', () => {
    const v = { x: [1, Infinity] };
    try {
      canonicalize(v);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(HosoFailure);
      expect((e as HosoFailure).error).toEqual(errorOf(v));
    }
  });

  it('accepts objects without a prototype', () => {
    const o = Object.create(null) as Record<string, unknown>;
    o['b'] = 1;
    o['a'] = true;
    expect(canonicalize(o)).toBe('{"a":true,"b":1}');
  });
});

/** Rebuild a JSON value with every object's keys inserted in reverse order. */
function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, unknown> = {};
    // defineProperty, not `out[k] = …`: a "__proto__" key must stay an own property.
    for (const k of Object.keys(v).reverse()) {
      Object.defineProperty(out, k, {
        value: reverseKeys((v as Record<string, unknown>)[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v;
}

describe('canonicalize — properties', () => {
  const json = fc.jsonValue({ maxDepth: 6 });

  it('is idempotent through JSON.parse', () => {
    fc.assert(
      fc.property(json, (x) => {
        const c = canonicalize(x);
        expect(canonicalize(JSON.parse(c))).toBe(c);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(json, (x) => {
        expect(canonicalize(reverseKeys(x))).toBe(canonicalize(x));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the reference `canonicalize` package (by an RFC 8785 author) on every JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.string({ unit: 'grapheme' }), (x, s) => {
        const v = { x, s, [s]: x };
        expect(canonicalize(v)).toBe(jcs(v));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a string exactly when it is not well-formed UTF-16', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 8 }), fc.integer({ min: 0, max: 0xffff }), (s, unit) => {
        const v = s + String.fromCharCode(unit);
        const wellFormed = !/\p{Surrogate}/u.test(v);
        expect(isRight(canonicalizeE({ v }))).toBe(wellFormed);
        if (wellFormed) expect(JSON.parse(canonicalize({ v }))).toEqual({ v });
      }),
      { numRuns: 300 },
    );
  });
});
