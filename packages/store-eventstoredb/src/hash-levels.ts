/**
 * The Merkle nodes of one ledger, kept client-side: every complete perfect subtree's hash, stored
 * level by level in growable flat buffers (32 bytes per hash, no per-node object or map entry).
 * Level 0 holds the leaf hashes. A tree of n leaves has n leaves and n − popcount(n) interior
 * complete nodes, so the whole structure costs about 64 bytes per event (plus up to 2× slack from
 * buffer doubling).
 */
export class HashLevels {
  private readonly levels: Uint8Array[] = [];
  private readonly counts: number[] = [];

  /** Store the hash of node `{ level, index }`; nodes arrive in index order within each level. */
  set(level: number, index: number, hash: Uint8Array): void {
    while (this.levels.length <= level) {
      this.levels.push(new Uint8Array(32 * 64));
      this.counts.push(0);
    }
    const count = this.counts[level]!;
    if (index !== count) throw new Error(`hash levels: node (${level}, ${index}) out of order, expected index ${count}`);
    let buf = this.levels[level]!;
    if ((index + 1) * 32 > buf.length) {
      const bigger = new Uint8Array(buf.length * 2);
      bigger.set(buf);
      this.levels[level] = buf = bigger;
    }
    buf.set(hash, index * 32);
    this.counts[level] = count + 1;
  }

  /** A copy of the hash of node `{ level, index }`, or undefined when it is not stored. */
  get(level: number, index: number): Uint8Array | undefined {
    const count = this.counts[level];
    if (count === undefined || index < 0 || index >= count) return undefined;
    return this.levels[level]!.slice(index * 32, index * 32 + 32);
  }

  /** Number of nodes stored at `level`. */
  count(level: number): number {
    return this.counts[level] ?? 0;
  }

  /** Bytes allocated (for the memory figures in the docs). */
  allocatedBytes(): number {
    return this.levels.reduce((s, b) => s + b.length, 0);
  }
}
