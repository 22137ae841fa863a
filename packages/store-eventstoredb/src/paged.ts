/**
 * Fixed-width records in pages of one typed array each: appending never copies more than one page
 * (a single growable array copies everything at each doubling and carries up to 2× slack), and a
 * small ledger pays only for what it holds (the last page grows by doubling up to the page size).
 */
type Typed = Int32Array | Uint8Array;

interface Kind<A extends Typed> {
  create(length: number): A;
}

const INT32: Kind<Int32Array> = { create: (n) => new Int32Array(n) };
const BYTES: Kind<Uint8Array> = { create: (n) => new Uint8Array(n) };

/** Records per full page (a power of two, so a record's page is a shift away). */
const PAGE_SHIFT = 12;
const PAGE_RECORDS = 1 << PAGE_SHIFT;
const FIRST_PAGE_RECORDS = 16;

class Paged<A extends Typed> {
  private readonly pages: A[] = [];
  private count = 0;

  constructor(
    private readonly kind: Kind<A>,
    /** Elements per record (e.g. 32 bytes per hash, 4 int32 words per id). */
    readonly stride: number,
  ) {}

  /** Number of records held. */
  get length(): number {
    return this.count;
  }

  /** Make room for one more record and return its page and element offset in that page. */
  protected slot(): { page: A; offset: number } {
    const i = this.count;
    const p = i >>> PAGE_SHIFT;
    const r = i & (PAGE_RECORDS - 1);
    let page = this.pages[p];
    if (page === undefined) {
      page = this.kind.create((p === 0 ? FIRST_PAGE_RECORDS : PAGE_RECORDS) * this.stride);
      this.pages.push(page);
    } else if ((r + 1) * this.stride > page.length) {
      const bigger = this.kind.create(Math.min(page.length * 2, PAGE_RECORDS * this.stride));
      bigger.set(page);
      this.pages[p] = page = bigger;
    }
    this.count = i + 1;
    return { page, offset: r * this.stride };
  }

  /** The page holding record `i` (< length) and the record's element offset in it. */
  locate(i: number): { page: A; offset: number } {
    return { page: this.pages[i >>> PAGE_SHIFT]!, offset: (i & (PAGE_RECORDS - 1)) * this.stride };
  }

  /** Bytes allocated by the pages. */
  allocatedBytes(): number {
    return this.pages.reduce((s, p) => s + p.byteLength, 0);
  }
}

/** Records of `stride` int32 words. */
export class PagedInts extends Paged<Int32Array> {
  constructor(stride: number) {
    super(INT32, stride);
  }

  /** Append one record (its `stride` words) and return its index. */
  push(...words: number[]): number {
    const { page, offset } = this.slot();
    for (let k = 0; k < this.stride; k++) page[offset + k] = words[k]!;
    return this.length - 1;
  }

  /** Word `k` of record `i`. */
  word(i: number, k: number): number {
    const { page, offset } = this.locate(i);
    return page[offset + k]!;
  }
}

/** Records of `stride` bytes. */
export class PagedBytes extends Paged<Uint8Array> {
  constructor(stride: number) {
    super(BYTES, stride);
  }

  /** Append one record (exactly `stride` bytes) and return its index. */
  push(bytes: Uint8Array): number {
    const { page, offset } = this.slot();
    page.set(bytes, offset);
    return this.length - 1;
  }

  /** A copy of record `i`. */
  get(i: number): Uint8Array {
    const { page, offset } = this.locate(i);
    return page.slice(offset, offset + this.stride);
  }

  /** A view of record `i` (valid until the next push; do not keep it). */
  view(i: number): Uint8Array {
    const { page, offset } = this.locate(i);
    return page.subarray(offset, offset + this.stride);
  }
}
