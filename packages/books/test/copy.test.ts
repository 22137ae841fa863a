import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { copyState } from '../src/runner/index.js';

/** Every object reachable from `v` (own enumerable keys, Map and Set contents). */
function objects(v: unknown, out = new Set<object>()): Set<object> {
  if (typeof v !== 'object' || v === null || out.has(v)) return out;
  out.add(v);
  if (v instanceof Map)
    for (const [k, x] of v) {
      objects(k, out);
      objects(x, out);
    }
  else if (v instanceof Set) for (const x of v) objects(x, out);
  else for (const k of Object.keys(v)) objects((v as Record<string, unknown>)[k], out);
  return out;
}

describe('copyState', () => {
  it('property: equals structuredClone and shares no object with the original', () => {
    const value = fc.anything({
      withMap: true,
      withSet: true,
      withDate: true,
      withTypedArray: true,
      withSparseArray: true,
      withNullPrototype: true,
      withObjectString: true,
    });
    fc.assert(
      fc.property(value, (v) => {
        const c = copyState(v);
        expect(c).toStrictEqual(structuredClone(v));
        const mine = objects(v);
        for (const o of objects(c)) expect(mine.has(o)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps an object reached twice as one object, and cycles as cycles', () => {
    const actor = { key: 'k', role: 'subject' };
    const state: { versions: { by: typeof actor }[]; self?: unknown } = { versions: [{ by: actor }, { by: actor }] };
    state.self = state;
    const c = copyState(state);
    expect(c.versions[0]!.by).toBe(c.versions[1]!.by);
    expect(c.versions[0]!.by).not.toBe(actor);
    expect(c.self).toBe(c);
  });

  it('a "__proto__" key is copied as a property, not as the prototype', () => {
    const v = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    const c = copyState(v);
    expect(Object.getPrototypeOf(c)).toBe(Object.prototype);
    expect(Object.keys(c)).toEqual(['__proto__', 'a']);
    expect((c as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('refuses what structuredClone refuses', () => {
    expect(() => copyState({ f: () => 1 })).toThrow();
  });
});
