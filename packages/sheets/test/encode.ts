/**
 * Test-only encoders for the files clerks save: Windows-1258 as Vietnamese Windows writes it
 * (base letters with their circumflex, breve or horn precomposed, the tone as a combining mark),
 * and the legacy font encodings as the characters a Unicode program shows for them.
 */
import iconv from 'iconv-lite';

const TONE = /[\u0300\u0301\u0303\u0309\u0323]/u;

/** `text` in Windows-1258 bytes; throws on a character the code page cannot write. */
export function encode1258(text: string): Buffer {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (iconv.decode(iconv.encode(ch, 'windows1258'), 'windows1258') === ch) {
      out += ch;
      continue;
    }
    const d = ch.normalize('NFD');
    const tone = [...d].filter((c) => TONE.test(c)).join('');
    const base = [...d]
      .filter((c) => !TONE.test(c))
      .join('')
      .normalize('NFC');
    const s = base + tone;
    if (iconv.decode(iconv.encode(s, 'windows1258'), 'windows1258').normalize('NFC') !== ch)
      throw new Error(`Windows-1258 cannot write ${ch}`);
    out += s;
  }
  return iconv.encode(out, 'windows1258');
}

/** What a Unicode program shows for `text` typed in a TCVN3 (.VnTime) font. */
export const asTcvn3 = (text: string): string => iconv.decode(iconv.encode(text, 'tcvn'), 'windows1252');

/**
 * What a Windows program shows for UTF-8 `text` read as code page `cp`: bytes the code page does
 * not define come out as the C1 control of the same number, as Windows converts them.
 */
export const utf8ReadAs = (text: string, cp: 'windows1252' | 'windows1258'): string =>
  [...Buffer.from(text, 'utf8')]
    .map((b) => {
      const ch = iconv.decode(Buffer.from([b]), cp);
      return ch === '\ufffd' ? String.fromCharCode(b) : ch;
    })
    .join('')
    .normalize('NFC');
