import { describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { decodeVni, suspectMojibake } from '../src/mojibake.js';
import { asTcvn3, encode1258, utf8ReadAs } from './encode.js';

const NAMES = [
  'Nguyễn Trãi',
  'Hà Nội',
  'Trường THPT Chu Văn An',
  'Lý Thị Bích',
  'Phạm Đức Hiếu',
  'Đặng Thị Nữ',
  'Hoàng Ánh',
  'Số 5 – Đường Láng',
];

describe('suspectMojibake', () => {
  it('never suspects genuine text: Vietnamese, foreign names, punctuation', () => {
    for (const t of [
      ...NAMES,
      'Lan',
      'Müller',
      'José',
      'Noël',
      'Hòa',
      'Thuý',
      'NGÃ BA',
      'Ê Đê',
      "H'Hen Niê",
      'Y Jut',
      'Đ',
      'CĐ',
      '“Bà” Ba…',
      '8,5',
    ])
      expect(suspectMojibake(t), t).toBeNull();
  });

  it('names UTF-8 read as Windows-1258 and as Windows-1252, with the text it would read as', () => {
    for (const t of NAMES) {
      expect(suspectMojibake(utf8ReadAs(t, 'windows1258')), t).toEqual({
        encoding: 'utf-8-read-as-windows-1258',
        likely: t,
      });
      const w = suspectMojibake(utf8ReadAs(t, 'windows1252'));
      // Some UTF-8 bytes of Vietnamese are no character of Windows-1252 (they come out as C1 controls).
      expect(w?.encoding, t).toMatch(/^utf-8-read-as-windows-125[28]$/);
      expect(w?.likely, t).toBe(t);
    }
  });

  it('names TCVN3 (ABC fonts)', () => {
    for (const t of NAMES.filter((n) => n !== 'Số 5 – Đường Láng')) {
      const shown = asTcvn3(t);
      expect(shown).not.toBe(t);
      expect(suspectMojibake(shown)?.encoding, `${t} as ${shown}`).toBe('tcvn3');
    }
    expect(suspectMojibake('Hµ Néi')).toEqual({ encoding: 'tcvn3', likely: 'Hà Nội' });
  });

  it('names VNI and decodes it', () => {
    expect(decodeVni('Haø Noäi')).toBe('Hà Nội');
    expect(decodeVni('Tröôøng')).toBe('Trường');
    expect(decodeVni('Ñaëng Thò Nöõ')).toBe('Đặng Thị Nữ');
    expect(decodeVni('Nguyeãn Traõi')).toBe('Nguyễn Trãi');
    expect(decodeVni('Müller')).toBeNull();
    for (const t of ['Haø Noäi', 'Tröôøng Vieät', 'Ñaëng Thò Nöõ']) expect(suspectMojibake(t)?.encoding, t).toBe('vni');
  });

  it('names Windows-1258 read as Windows-1252', () => {
    // Letters Windows-1258 has precomposed (à, Á) read the same in Windows-1252: nothing to suspect.
    expect(suspectMojibake(iconv.decode(encode1258('Hoàng Ánh'), 'windows1252'))).toBeNull();
    for (const t of ['Nguyễn Trãi', 'Lý Thị Bích', 'Đặng Thị Nữ', 'Trường']) {
      const shown = iconv.decode(encode1258(t), 'windows1252').normalize('NFC');
      expect(suspectMojibake(shown), `${t} as ${shown}`).toEqual({
        encoding: 'windows-1258-read-as-windows-1252',
        likely: t,
      });
    }
  });
});

describe('suspectMojibake with an encoding already found in the file', () => {
  it('suspects fields whose only evidence is the file they are in', () => {
    const shown = asTcvn3('Nguyễn Văn Huế');
    expect(suspectMojibake('NguyÔn')).toBeNull();
    expect(suspectMojibake('NguyÔn', 'tcvn3')).toEqual({ encoding: 'tcvn3', likely: 'Nguyễn' });
    expect(suspectMojibake(shown, 'tcvn3')?.likely).toBe('Nguyễn Văn Huế');
    expect(suspectMojibake('Nguyeãn Vaên', 'vni')).toEqual({ encoding: 'vni', likely: 'Nguyễn Văn' });
    // Genuine Unicode Vietnamese cannot be those bytes: still not suspected.
    expect(suspectMojibake('Nguyễn Văn Huế', 'tcvn3')).toBeNull();
    expect(suspectMojibake('Lan', 'vni')).toBeNull();
  });
});
