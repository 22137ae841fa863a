/**
 * The words of a verdict, in English and Vietnamese, for every place that shows one (the HTML
 * report, `hoso verify`): what was established, what it was checked against, and which ledger was
 * accepted. Each table is a record over its union, so the compiler refuses a verdict without words.
 */
import { PINNED_BY, type Sentence } from './messages.js';
import type { MissingAnchor, OriginCheck, Verdict, VerifyReport } from './report.js';

/** The banner of each verdict. */
export const VERDICT_WORDS: { readonly [V in Verdict]: Sentence } = {
  verified: { en: 'VERIFIED', vi: 'ĐẠT' },
  failed: { en: 'NOT VERIFIED', vi: 'KHÔNG ĐẠT' },
  unanchored: { en: 'UNANCHORED', vi: 'CHƯA ĐỐI CHIẾU' },
  unusable: { en: 'UNUSABLE INPUT', vi: 'DỮ LIỆU KHÔNG DÙNG ĐƯỢC' },
};

/** "VERIFIED / ĐẠT": the banner in both languages. */
export function verdictBanner(v: Verdict): string {
  return `${VERDICT_WORDS[v].en} / ${VERDICT_WORDS[v].vi}`;
}

/** What a missing trust anchor leaves unchecked. */
export const MISSING_ANCHOR: { readonly [M in MissingAnchor]: Sentence } = {
  'root-key': {
    en: "no root key: the signers' keys were traced only to the ledger's own genesis",
    vi: 'không có khóa gốc: khóa của người ký chỉ được truy về sự kiện khởi tạo của chính sổ',
  },
  'seal-key': {
    en: "no seal key: the checkpoints' signatures were not checked",
    vi: 'không có khóa đóng dấu: chưa kiểm tra chữ ký của các điểm kiểm tra',
  },
  'key-registry': {
    en: 'catalogue off: signatures checked under the keys the events name, traced to nothing',
    vi: 'không dùng danh mục sự kiện: chữ ký chỉ được kiểm tra với khóa do chính sự kiện ghi, không truy nguồn',
  },
};

/** Which ledger was accepted, and whether the inspector had pinned it. */
export function originSentence(o: OriginCheck): Sentence {
  const accepted = o.accepted ?? '?';
  if (o.pinnedBy === null)
    return {
      en: `${accepted}, NOT PINNED: no expected origin was given, so a bundle of any ledger was accepted (give the origin you expect)`,
      vi: `${accepted}, CHƯA XÁC ĐỊNH: không nêu sổ cần kiểm tra nên tệp xuất của bất kỳ sổ nào cũng được nhận (hãy nêu nguồn cần kiểm tra)`,
    };
  const p = PINNED_BY[o.pinnedBy];
  return {
    en: `${accepted}; expected ${o.expected.join(' or ')}, ${p.en}`,
    vi: `${accepted}; cần kiểm tra ${o.expected.join(' hoặc ')}, ${p.vi}`,
  };
}

/** One sentence saying what the verification established. */
export function verdictSentence(r: VerifyReport): Sentence {
  switch (r.verdict) {
    case 'unusable':
      return {
        en: 'The input could not be read as a hoso bundle, or the verifier could not finish: nothing was established.',
        vi: 'Không đọc được dữ liệu vào như một tệp xuất hoso, hoặc việc kiểm tra không hoàn tất: chưa xác nhận được gì.',
      };
    case 'verified': {
      const rules = r.passes.compliance === 'passed';
      return {
        en: `All ${r.size} events are intact and authentic${rules ? ' and within the rules' : ''}, checked against the trust anchors listed.`,
        vi: `Toàn bộ ${r.size} sự kiện nguyên vẹn, xác thực${rules ? ' và đúng quy chế' : ''}, đối chiếu với các khóa tin cậy đã liệt kê.`,
      };
    }
    case 'unanchored': {
      const m = r.anchors.missing.map((x) => MISSING_ANCHOR[x]);
      return {
        en: `Nothing wrong was found in ${r.size} events, but ${m.map((x) => x.en).join('; ')}: anyone could have made this history. This is not a verification.`,
        vi: `Không phát hiện sai sót trong ${r.size} sự kiện, nhưng ${m.map((x) => x.vi).join('; ')}: bất kỳ ai cũng có thể tạo ra lịch sử này. Đây chưa phải là kết quả kiểm tra.`,
      };
    }
    case 'failed': {
      // Problems, not findings: one edited mark is one problem however many findings it causes.
      const errors = r.findings.filter((f) => f.severity === 'error').length;
      const problems = r.problems.filter((p) => p.severity === 'error').length;
      const more = r.findings.some((f) => f.code === 'too-many-findings');
      return {
        en: `${problems}${more ? ' listed' : ''} problem${problems === 1 ? '' : 's'} (${errors} error finding${errors === 1 ? '' : 's'}) found in ${r.size} events${more ? ', and more not listed' : ''}.`,
        vi: `Phát hiện ${problems} vấn đề (${errors} lỗi)${more ? ' được liệt kê (và các vấn đề khác không liệt kê)' : ''} trong ${r.size} sự kiện.`,
      };
    }
  }
}
