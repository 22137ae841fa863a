/**
 * Strings numbered in order of first appearance, for the compact parts of the ledger state (the
 * event index, the cells): a school has few distinct streams, event types, values or authors, so
 * each is kept once and the state holds small numbers instead of a string per event.
 */
export class Interned {
  private readonly numbers = new Map<string, number>();
  private readonly names: string[] = [];

  /** The number of `s`, numbering it if it is new. */
  number(s: string): number {
    let n = this.numbers.get(s);
    if (n === undefined) {
      n = this.names.push(s) - 1;
      this.numbers.set(s, n);
    }
    return n;
  }

  /** The number of `s`, or undefined when it was never numbered. */
  find(s: string): number | undefined {
    return this.numbers.get(s);
  }

  /** The string numbered `n`. */
  name(n: number): string {
    return this.names[n]!;
  }

  /** How many strings are numbered. */
  get size(): number {
    return this.names.length;
  }

  /** Every string, by number. */
  list(): readonly string[] {
    return this.names;
  }

  /** A table holding `names` under their indices (a snapshot's); a RangeError when one repeats. */
  static of(names: readonly string[]): Interned {
    const t = new Interned();
    for (const n of names) t.number(n);
    if (t.names.length !== names.length) throw new RangeError('interned names repeat');
    return t;
  }
}
