/**
 * A bundle's bytes as lines: the exact bytes of each (no decoding, so hashes are taken over what
 * was stored), in bounded memory, from a file path or any byte stream.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';

/** One raw line of a bundle: its exact bytes (without the `\n`), or a marker that it was too long. */
export type RawLine =
  | { readonly kind: 'line'; readonly number: number; readonly bytes: Uint8Array }
  | { readonly kind: 'too-long'; readonly number: number; readonly length: number };

/** Where bundle bytes come from: a file path, or a readable byte stream. */
export type BundleSource = string | Readable | AsyncIterable<Uint8Array>;

/**
 * Split a byte stream into lines, yielding the exact bytes of each (no decoding, so hashes are
 * taken over what was stored). Memory stays bounded by `maxLine`: a longer line is skipped and
 * reported as `too-long` with its length. Lines are numbered from 1. A final line without a `\n`
 * is still yielded; nothing is yielded for the empty remainder after a final `\n`.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>, maxLine: number): AsyncGenerator<RawLine> {
  for await (const lines of splitLineBatches(chunks, maxLine)) yield* lines;
}

/**
 * {@link splitLines}, one array of lines per chunk read: a reader that handles thousands of
 * lines per chunk pays the async-iteration cost once per chunk rather than once per line.
 */
export async function* splitLineBatches(chunks: AsyncIterable<Uint8Array>, maxLine: number): AsyncGenerator<RawLine[]> {
  let parts: Buffer[] = [];
  let partLen = 0;
  let overflow = 0; // >0 while skipping the rest of an over-long line
  let number = 0;
  for await (const chunk of chunks) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: RawLine[] = [];
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(0x0a, start);
      const end = nl === -1 ? buf.length : nl;
      const piece = buf.subarray(start, end);
      if (overflow > 0) overflow += piece.length;
      else if (partLen + piece.length > maxLine) {
        overflow = partLen + piece.length;
        parts = [];
        partLen = 0;
      } else if (piece.length > 0) {
        parts.push(piece);
        partLen += piece.length;
      }
      if (nl === -1) break;
      number++;
      if (overflow > 0) {
        out.push({ kind: 'too-long', number, length: overflow });
        overflow = 0;
      } else {
        // Copy: the chunk buffer may be reused by the stream after we yield.
        const bytes = new Uint8Array(partLen);
        let o = 0;
        for (const p of parts) {
          bytes.set(p, o);
          o += p.length;
        }
        out.push({ kind: 'line', number, bytes });
      }
      parts = [];
      partLen = 0;
      start = nl + 1;
    }
    if (out.length > 0) yield out;
  }
  if (overflow > 0) yield [{ kind: 'too-long', number: number + 1, length: overflow }];
  else if (partLen > 0) {
    const bytes = new Uint8Array(partLen);
    let o = 0;
    for (const p of parts) {
      bytes.set(p, o);
      o += p.length;
    }
    yield [{ kind: 'line', number: number + 1, bytes }];
  }
}

/** Open a bundle source as a byte stream (a path is read with a 256 KiB buffer). */
export function openSource(source: BundleSource): AsyncIterable<Uint8Array> {
  if (typeof source === 'string') return createReadStream(source, { highWaterMark: 256 * 1024 });
  return source as AsyncIterable<Uint8Array>;
}
