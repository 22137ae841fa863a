/**
 * What the verification footer of every page says, for both renderers: Vietnamese lines for the
 * reader, and the machine identifiers (checkpoint origin, book id) only in its small print.
 */
import type { PrintDocument } from './model.js';
import { shortenHex, viDateTime } from './text.js';

/** A run of footer text: words (`text`), a value (`value`, set in monospace in the PDF), a command. */
export type FooterPart = readonly [text: string, kind: 'text' | 'value' | 'note'];

/** The footer's content: lines for the reader, then the small print. */
export interface FooterContent {
  readonly lines: ReadonlyArray<ReadonlyArray<FooterPart>>;
  /** The small print (*mã dữ liệu*): the identifiers software reads, also in the QR code. */
  readonly finePrint: ReadonlyArray<FooterPart>;
}

/** The label the small print starts with. */
export const FINE_PRINT_LABEL = 'Mã dữ liệu:';

/** The footer of a document (the same on every page but for the page number). */
export function footerContent(doc: PrintDocument): FooterContent {
  const v = doc.verification;
  const checkpoint: FooterPart[] = [
    ['Điểm kiểm chứng: cỡ ', 'text'],
    [String(v.size), 'value'],
    [' · gốc ', 'text'],
    [shortenHex(v.root), 'value'],
  ];
  if (v.index !== undefined) checkpoint.push([' · sự kiện cuối của sổ: #', 'text'], [String(v.index), 'value']);
  const lines: FooterPart[][] = [
    [
      ['Bản in kiểm chứng được: quét mã QR hoặc chạy ', 'note'],
      ['hoso verify', 'value'],
      [' với dữ liệu của trường.', 'note'],
    ],
    checkpoint,
  ];
  if (v.printedAt !== undefined) lines.push([[`In lúc ${viDateTime(v.printedAt)}`, 'note']]);
  const finePrint: FooterPart[] = [
    [`${FINE_PRINT_LABEL} nguồn `, 'text'],
    [v.origin, 'value'],
  ];
  if (v.book !== undefined) finePrint.push([' · sổ ', 'text'], [v.book, 'value']);
  if (v.eventId !== undefined) finePrint.push([' · sự kiện ', 'text'], [v.eventId, 'value']);
  return { lines, finePrint };
}

/** A footer line as plain text. */
export function footerText(parts: ReadonlyArray<FooterPart>): string {
  return parts.map(([t]) => t).join('');
}
