/** Option parsers shared by commands: each refuses bad values with exit 2 naming the option. */
import { usage } from '../exit.js';

/** An integer option in [min, max]. */
export function intOption(name: string, min: number, max: number): (v: string) => number {
  return (v) => {
    if (!/^-?\d+$/.test(v)) throw usage('invalid-option', `${name} must be an integer, got "${v}"`, name);
    const n = Number(v);
    if (!Number.isSafeInteger(n) || n < min || n > max)
      throw usage('invalid-option', `${name} must be from ${min} to ${max}, got ${v}`, name);
    return n;
  };
}

/** Collect a repeatable option. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];
