import { describe, it, expect } from 'vitest';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import {
  formatProofReference,
  parseProofReference,
  proofReferenceOf,
  registerDocument,
  renderPdf,
} from '../src/index.js';
import { META, register } from './fixtures.js';
import { decodeQr, hasTool } from './tools.js';

const canDecode = hasTool('pdftoppm') && hasTool('zbarimg');
if (!canDecode) console.warn('qr.test: skipped — needs pdftoppm (poppler-utils) and zbarimg (zbar-tools)');

describe.skipIf(!canDecode)('QR code on the printed page', () => {
  it('scans back to the full proof reference on every page, which parses to the checkpoint', async () => {
    const d = registerDocument(register(60), META);
    if (isLeft(d)) throw new Error(d.left.message);
    const pdf = await renderPdf(d.right);
    const expected = formatProofReference(proofReferenceOf(META.verification));
    for (const page of [1, 2]) {
      const codes = decodeQr(pdf, page, 300, 595.28);
      expect(codes).toEqual([expected]);
    }
    const parsed = parseProofReference(decodeQr(pdf, 1, 300, 595.28)[0]!);
    expect(isRight(parsed) && parsed.right).toEqual({
      origin: META.verification.origin,
      size: META.verification.size,
      root: META.verification.root,
      index: META.verification.index,
      book: META.verification.book,
    });
  });

  it('still scans at 150 dpi (an office scanner)', async () => {
    const d = registerDocument(register(3), META);
    if (isLeft(d)) throw new Error(d.left.message);
    expect(decodeQr(await renderPdf(d.right), 1, 150, 595.28)).toEqual([
      formatProofReference(proofReferenceOf(META.verification)),
    ]);
  });
});
