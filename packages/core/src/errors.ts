/**
 * Errors as data. Every failure a caller can cause is a plain object with a stable kebab-case
 * `code` (what went wrong), a `message` in plain words, and where it applies the `path` of the
 * offending field and the `rule` (article of the regulation or the standard) that was broken.
 *
 * Functions that can fail on caller input return `Either<E, A>` (fp-ts). Where an error has to
 * cross a boundary that cannot carry an Either (an async iterator, a worker), it travels inside a
 * {@link HosoFailure}, whose `error` field is the same data.
 *
 * @example
 * import { isLeft } from 'fp-ts/lib/Either.js';
 * const r = decodeEnvelope(bytes);
 * if (isLeft(r)) console.error(r.left.code, r.left.path.join('.'), r.left.message);
 */
export interface HosoError<
  C extends string = string,
  D extends Readonly<Record<string, unknown>> = Readonly<Record<string, unknown>>,
> {
  readonly code: C;
  readonly message: string;
  /**
   * Where in the input the problem is: object keys and array indexes from the root; empty when the
   * problem is the input as a whole.
   */
  readonly path: ReadonlyArray<string | number>;
  /** The article or standard broken, e.g. `"QC Điều 12.3"` or `"RFC 8785 §3.2.2.3"`. */
  readonly rule?: string;
  /** Machine-readable extras (expected vs actual sizes, ids...); a package may type them per code. */
  readonly details?: D;
}

/**
 * Build a {@link HosoError}: `path` defaults to the whole input (`[]`); absent `rule` and `details`
 * are omitted, so errors compare structurally.
 */
export function hosoError<
  C extends string,
  D extends Readonly<Record<string, unknown>> = Readonly<Record<string, unknown>>,
>(
  code: C,
  message: string,
  extra: { path?: ReadonlyArray<string | number>; rule?: string; details?: D } = {},
): HosoError<C, D> {
  const e: { -readonly [K in keyof HosoError<C, D>]: HosoError<C, D>[K] } = {
    code,
    message,
    path: extra.path ?? [],
  };
  if (extra.rule !== undefined) e.rule = extra.rule;
  if (extra.details !== undefined) e.details = extra.details;
  return e;
}

/** An exception that carries a {@link HosoError}; thrown only where an Either cannot travel. */
export class HosoFailure<E extends HosoError = HosoError> extends Error {
  readonly error: E;
  constructor(error: E) {
    super(`${error.code}: ${error.message}`);
    this.name = 'HosoFailure';
    this.error = error;
  }
  get code(): E['code'] {
    return this.error.code;
  }
}

/** True when `e` is a {@link HosoFailure} (across realms and duplicated module copies too). */
export function isHosoFailure(e: unknown): e is HosoFailure {
  return e instanceof HosoFailure || (e instanceof Error && e.name === 'HosoFailure' && 'error' in e);
}

/**
 * A short, safe description of any value for an error message. Never recurses into the value
 * (`String([[…10,000 levels…]])` overflows the stack; an object without a prototype has no
 * `toString`), so it is safe on hostile input.
 */
export function describeValue(u: unknown, max = 60): string {
  if (u === undefined) return 'nothing';
  if (u === null) return 'null';
  switch (typeof u) {
    case 'string': {
      const s = JSON.stringify(u.length > max ? u.slice(0, max) : u);
      return u.length > max ? `${s.slice(0, -1)}…"` : s;
    }
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(u);
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (Array.isArray(u)) return `an array of ${u.length} item${u.length === 1 ? '' : 's'}`;
      if (u instanceof Uint8Array) return `${u.length} bytes`;
      return 'an object';
  }
}
