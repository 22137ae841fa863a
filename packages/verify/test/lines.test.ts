import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { splitLines, type RawLine } from '../src/bundle/lines.js';

async function collect(chunks: Uint8Array[], maxLine = 1 << 20): Promise<RawLine[]> {
  const out: RawLine[] = [];
  for await (const l of splitLines(Readable.from(chunks.map((c) => Buffer.from(c))), maxLine)) out.push(l);
  return out;
}

/** Cut `bytes` at the given fractional points. */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  out.push(bytes.subarray(at));
  return out;
}

describe('splitLines', () => {
  it('yields each line exactly, however the stream is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.uint8Array({ maxLength: 40 }).map((a) => a.map((b) => (b === 10 ? 11 : b))),
          { maxLength: 12 },
        ),
        fc.boolean(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        async (lines, finalNewline, cuts) => {
          const text = Buffer.concat(
            lines.flatMap((l, i) =>
              i < lines.length - 1 || finalNewline ? [Buffer.from(l), Buffer.from('\n')] : [Buffer.from(l)],
            ),
          );
          const got = await collect(chunked(new Uint8Array(text), cuts));
          // A trailing empty line (no final newline) yields nothing; otherwise every line comes back.
          const expected = lines.filter((l, i) => !(i === lines.length - 1 && !finalNewline && l.length === 0));
          expect(got.map((g) => (g.kind === 'line' ? Buffer.from(g.bytes).toString('hex') : 'X'))).toEqual(
            expected.map((l) => Buffer.from(l).toString('hex')),
          );
          expect(got.map((g) => g.number)).toEqual(expected.map((_, i) => i + 1));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('skips an over-long line without holding it and keeps numbering', async () => {
    const text = Buffer.from('short\n' + 'x'.repeat(100) + '\nafter\n' + 'y'.repeat(50));
    const got = await collect(chunked(new Uint8Array(text), [0.1, 0.3, 0.5, 0.7]), 20);
    expect(got).toEqual([
      { kind: 'line', number: 1, bytes: new Uint8Array(Buffer.from('short')) },
      { kind: 'too-long', number: 2, length: 100 },
      { kind: 'line', number: 3, bytes: new Uint8Array(Buffer.from('after')) },
      { kind: 'too-long', number: 4, length: 50 },
    ]);
  });

  it('keeps carriage returns as bytes of the line (they make an event non-canonical)', async () => {
    const got = await collect([new Uint8Array(Buffer.from('a\r\nb'))]);
    expect(got.map((g) => (g.kind === 'line' ? Buffer.from(g.bytes).toString() : ''))).toEqual(['a\r', 'b']);
  });
});
