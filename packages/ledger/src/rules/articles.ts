/**
 * The articles the rules cite, by concern: the provincial regulation (QC Điều N), Thông tư 22 and
 * 27, and the envelope section of docs/design.md. Every refusal names one of these (or a finer
 * article) in its `rule`.
 */

/** Articles cited by refusals. */
export const RULES = {
  permission: 'QC Điều 7.2',
  personalKey: 'QC Điều 7.1',
  accounts: 'QC Điều 6.1',
  window: 'QC Điều 6.2c',
  correction: 'QC Điều 12.3',
  homeroom: 'QC Điều 8',
  teacher: 'QC Điều 9',
  approval: 'QC Điều 10',
  seal: 'QC Điều 13.3',
  regularCount: 'TT22 Điều 6.2',
  tt22: 'TT22 Điều 5',
  tt27: 'TT27 Điều 6, 7',
  envelope: 'docs/design.md §3',
  certificate: 'QC Điều 3.1',
  book: 'docs/legal.md#what-a-ca-signature-signs',
  personalData: 'docs/personal-data.md',
} as const;
