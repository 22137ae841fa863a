import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { escapeHtml, printable, printableLines } from '../src/index.js';

/** Hostile text a ledger may hold in a name, a reason or minutes. */
const HOSTILE = {
  osc52: '\u001b]52;c;cm0gLXJmIH4=\u0007', // write "rm -rf ~" to the clipboard
  cr: 'Nguyễn Văn An\rVERIFIED / ĐẠT', // repaint the line
  csi: '\u001b[2J\u001b[1;1H\u001b[32mVERIFIED\u001b[0m', // clear the screen, move, colour
  c1: '\u009b31m', // the 8-bit CSI
  bidi: 'Điểm \u202e5.8\u202c', // right-to-left override: "8.5" shown for 5.8
  zeroWidth: 'An\u200bh',
  separator: 'a\u2028b',
};

/** Characters a terminal or a page acts on instead of showing. */
// eslint-disable-next-line no-control-regex -- the control characters are what it looks for
const ACTING = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069\ufeff]/u;

describe('printable: text from a ledger is shown, never acted on', () => {
  it('escapes OSC 52, CR, ESC[ sequences, the 8-bit CSI, bidi overrides, zero-width and separator characters', () => {
    for (const s of Object.values(HOSTILE)) {
      const p = printable(s);
      expect(p).not.toMatch(ACTING);
      expect(p).toMatch(/\\u[0-9a-f]{4}/);
    }
    expect(printable(HOSTILE.osc52)).toBe('\\u001b]52;c;cm0gLXJmIH4=\\u0007');
    expect(printable(HOSTILE.cr)).toBe('Nguyễn Văn An\\u000dVERIFIED / ĐẠT');
    expect(printable(HOSTILE.bidi)).toBe('Điểm \\u202e5.8\\u202c');
    expect(printable('a\nb\tc')).toBe('a\\u000ab\\u0009c');
  });

  it('leaves Vietnamese (precomposed or with combining marks) and every printable character as it is', () => {
    for (const s of ['Nguyễn Thị Hồng Nhung', 'Nguye\u0302\u0303n', 'Điểm 8,5 — môn Toán (HK1)', '“quoted” ✔ €']) {
      expect(printable(s)).toBe(s);
    }
  });

  it('printableLines keeps the line feeds of an output, and JSON text stays JSON with the same value', () => {
    const value = { name: HOSTILE.bidi, reason: HOSTILE.cr, minutes: [HOSTILE.osc52, HOSTILE.c1, HOSTILE.separator] };
    for (const json of [JSON.stringify(value), JSON.stringify(value, null, 2)]) {
      const safe = printableLines(json);
      expect(safe).not.toMatch(/[^\n\P{Cc}]|[\p{Cf}\p{Zl}\p{Zp}]/u);
      expect(JSON.parse(safe)).toEqual(value);
      expect(safe.split('\n').length).toBe(json.split('\n').length);
    }
    expect(printableLines(`one\n${HOSTILE.csi}\n`)).toBe('one\n\\u001b[2J\\u001b[1;1H\\u001b[32mVERIFIED\\u001b[0m\n');
  });

  it('for any string: nothing that acts survives, and JSON of it escaped still parses to it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(printable(s)).not.toMatch(ACTING);
        expect(JSON.parse(printableLines(JSON.stringify({ s })))).toEqual({ s });
      }),
      { numRuns: 500 },
    );
  });

  it('the HTML report escapes markup and shows the same escapes', () => {
    expect(escapeHtml(`<b>${HOSTILE.bidi}</b>`)).toBe('&lt;b&gt;Điểm \\u202e5.8\\u202c&lt;/b&gt;');
  });
});
