/**
 * A bundle read as typed items in file order — header, events with their positions, checkpoint
 * lines, and lines that are none of these — one chunk of lines at a time.
 */
import type { HosoError } from '@hoso/core';
import { looksLikeCheckpointLine, parseBundleHeader, parseCheckpointLine, type BundleHeader } from './format.js';
import { openSource, splitLineBatches, type BundleSource } from './lines.js';

/** One item of a bundle, in file order. `line` is the 1-based line number. */
export type BundleItem =
  | { readonly kind: 'header'; readonly line: number; readonly header: BundleHeader }
  | { readonly kind: 'header-invalid'; readonly line: number; readonly error: HosoError }
  /** An event line: its exact bytes and the ledger position its line order gives it. */
  | { readonly kind: 'event'; readonly line: number; readonly position: number; readonly bytes: Uint8Array }
  | { readonly kind: 'checkpoint'; readonly line: number; readonly note: string }
  /** A checkpoint line that does not parse, or a line too long to be anything. */
  | { readonly kind: 'invalid'; readonly line: number; readonly error: HosoError };

/** Whether a line starts with the UTF-8 byte-order mark (EF BB BF), which no canonical line does. */
function hasByteOrderMark(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
}

/** Options for {@link readBundle}. */
export interface ReadBundleOptions {
  /**
   * Longest line accepted, in bytes (default 4 MiB: events are at most 64 KiB, but a checkpoint
   * note with many cosignatures is longer). Longer lines are skipped without being held.
   */
  readonly maxLine?: number;
}

/**
 * Read a bundle (docs/design.md §7) as an async iterator of items, line by line: it never holds the file,
 * only the current line. Line 1 is the header; a line starting `{"checkpoint":` is a checkpoint;
 * every other line is an event whose position is the number of event lines before it (so
 * dropped, inserted or reordered lines show up as shifted positions, which the verifier catches).
 */
export async function* readBundle(source: BundleSource, options: ReadBundleOptions = {}): AsyncGenerator<BundleItem> {
  for await (const items of readBundleBatches(source, options)) yield* items;
}

/**
 * {@link readBundle}, one array of items per chunk read (at most one chunk's lines are held):
 * the verifier's fast path, which pays the async-iteration cost per chunk rather than per line.
 */
export async function* readBundleBatches(
  source: BundleSource,
  options: ReadBundleOptions = {},
): AsyncGenerator<BundleItem[]> {
  const maxLine = options.maxLine ?? 4 * 1024 * 1024;
  let position = 0;
  for await (const raws of splitLineBatches(openSource(source), maxLine)) {
    const out: BundleItem[] = [];
    for (const raw of raws) {
      if (raw.kind === 'too-long') {
        out.push({
          kind: 'invalid',
          line: raw.number,
          error: {
            code: 'line-too-long',
            message: `line ${raw.number} is ${raw.length} bytes long (limit ${maxLine})`,
            path: [],
            rule: 'docs/design.md §7',
            details: { length: raw.length, limit: maxLine },
          },
        });
        // Not counted as an event: it cannot be hashed without holding it, and the shifted
        // positions and Merkle roots that follow make the loss visible anyway.
        continue;
      }
      if (raw.number === 1) {
        const h = parseBundleHeader(raw.bytes);
        if (h._tag === 'Right') out.push({ kind: 'header', line: 1, header: h.right });
        else out.push({ kind: 'header-invalid', line: 1, error: h.left });
        continue;
      }
      // A byte-order mark before a checkpoint line still makes it a (refused) checkpoint line.
      if (looksLikeCheckpointLine(hasByteOrderMark(raw.bytes) ? raw.bytes.subarray(3) : raw.bytes)) {
        const c = parseCheckpointLine(raw.bytes);
        if (c._tag === 'Right') out.push({ kind: 'checkpoint', line: raw.number, note: c.right });
        else out.push({ kind: 'invalid', line: raw.number, error: c.left });
        continue;
      }
      out.push({ kind: 'event', line: raw.number, position, bytes: raw.bytes });
      position++;
    }
    yield out;
  }
}
