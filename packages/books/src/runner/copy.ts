/**
 * The copy `memoryCheckpointStore` hands out on `load`. `structuredClone` writes every string out
 * and reads it back as a new string, so a state whose fold shares strings (the records keep one
 * copy of each stream name, student id, value…) comes back nearly twice as large, and every
 * object shared between many places (the records' actors) is kept shared only within that one
 * clone. This copy rebuilds plain objects and arrays and reuses everything immutable: strings
 * and other primitives are the same values, so nothing the fold shared is duplicated.
 */

/** Objects this copy rebuilds itself: arrays, and objects whose prototype is `Object.prototype` or null. */
function isPlain(value: object): boolean {
  if (Array.isArray(value)) return true;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A deep copy of `value` that equals `structuredClone(value)` and shares no object with `value`:
 * plain objects and arrays are copied here (own enumerable string keys, holes and `undefined`
 * kept, an object reached twice copied once, so shared parts and cycles stay as they were); any
 * other object (Map, Date, typed array, class instance…) is copied by `structuredClone`, which
 * also throws the same `DataCloneError` for a function.
 */
export function copyState<S>(value: S): S {
  const seen = new Map<object, unknown>();
  const copy = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) {
      if (typeof v === 'function' || typeof v === 'symbol') return structuredClone(v);
      return v;
    }
    const done = seen.get(v);
    if (done !== undefined) return done;
    if (!isPlain(v)) {
      const c: unknown = structuredClone(v);
      seen.set(v, c);
      return c;
    }
    if (Array.isArray(v)) {
      const out: unknown[] = new Array<unknown>(v.length);
      seen.set(v, out);
      for (let i = 0; i < v.length; i++) if (i in v) out[i] = copy(v[i]);
      for (const k of Object.keys(v))
        if (!isIndex(k)) define(out, k, copy((v as unknown as Record<string, unknown>)[k]));
      return out;
    }
    const out: Record<string, unknown> = {};
    seen.set(v, out);
    for (const k of Object.keys(v)) define(out, k, copy((v as Record<string, unknown>)[k]));
    return out;
  };
  return copy(value) as S;
}

const isIndex = (k: string): boolean => /^(0|[1-9][0-9]*)$/.test(k) && Number(k) < 2 ** 32 - 1;

/** Set an own data property; `__proto__` as a key must not change the copy's prototype. */
function define(o: object, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else (o as Record<string, unknown>)[k] = v;
}
