/**
 * The personal-data account in words, English and Vietnamese, for the terminal and the HTML report
 * (each escapes the texts a disclosure file carries as it prints them).
 */
import type { PersonalDataReport } from './check.js';

/** Each biographical field's name on the Vietnamese forms (*sơ yếu lý lịch*). */
export const FIELD_NAMES_VI: Readonly<Record<string, string>> = {
  name: 'họ và tên',
  birthDate: 'ngày sinh',
  sex: 'giới tính',
  birthPlace: 'nơi sinh',
  ethnicity: 'dân tộc',
  nationality: 'quốc tịch',
  address: 'nơi ở',
  guardian: 'cha mẹ hoặc người giám hộ',
  phone: 'điện thoại',
};

/** One sentence in both languages. */
export interface PersonalDataSentence {
  readonly en: string;
  readonly vi: string;
}

/**
 * What the disclosure was and whether it was accepted, then one sentence per field the ledger
 * commits to; nothing for a ledger without commitments checked without a disclosure.
 */
export function personalDataSentences(pd: PersonalDataReport): PersonalDataSentence[] {
  const out: PersonalDataSentence[] = [];
  const d = pd.disclosure;
  // A ledger in clear, checked without a disclosure, has nothing to say here.
  if (d === null && pd.fields.every((f) => f.commitments === 0)) return out;
  if (d === null)
    out.push({
      en: 'No disclosure file was given: no personal value was checked.',
      vi: 'Không có tệp công khai dữ liệu cá nhân: không giá trị nào được kiểm tra.',
    });
  else {
    const by = d.signer.person ?? d.signer.key;
    const decision = d.decision === null ? '' : `; decision ${d.decision.number} of ${d.decision.date}`;
    const decisionVi = d.decision === null ? '' : `; quyết định ${d.decision.number} ngày ${d.decision.date}`;
    out.push({
      en: `Disclosure "${d.scope}" for ${d.audience} (${d.purpose}), issued ${d.issuedAt} by ${by}${decision}: ${d.accepted ? 'accepted' : 'NOT ACCEPTED — none of its values is used'}.`,
      vi: `Tệp công khai "${d.scope}" cho ${d.audience} (${d.purpose}), lập ${d.issuedAt} bởi ${by}${decisionVi}: ${d.accepted ? 'được chấp nhận' : 'KHÔNG ĐƯỢC CHẤP NHẬN — không giá trị nào được dùng'}.`,
    });
    if (d.erased.length > 0)
      out.push({
        en: `Asked for but erased, nothing disclosed: ${d.erased.join(', ')}.`,
        vi: `Được yêu cầu nhưng đã xóa dữ liệu, không công khai: ${d.erased.join(', ')}.`,
      });
  }
  for (const f of pd.fields) {
    if (f.commitments === 0 && f.failed === 0) continue;
    out.push({
      en: `${f.field}: ${f.commitments} commitment(s); ${f.opened} opened and checked, ${f.failed} failed, ${f.notDisclosed} not disclosed, ${f.erased} erased.`,
      vi: `${FIELD_NAMES_VI[f.field] ?? f.field}: ${f.commitments} cam kết; ${f.opened} đã mở và kiểm tra, ${f.failed} sai, ${f.notDisclosed} không công khai, ${f.erased} đã xóa.`,
    });
  }
  if (pd.partial)
    out.push({
      en: 'A partial bundle (transcript): the ledger-wide replay of the school rules was not possible.',
      vi: 'Trích lục (một phần của sổ): không thể kiểm tra lại quy chế trên toàn bộ sổ.',
    });
  return out;
}
