/**
 * The HTML report: one self-contained page (inline CSS, no script, no network) an inspector
 * opens offline — the verdict, the trust anchors, the findings, the timeline and the checkpoint
 * chain — with every text from the ledger escaped for HTML and made visible (see `text.ts`).
 */
import { personalDataSentences } from './disclosure/text.js';
import { FINDING_CODES, type Finding } from './findings.js';
import type { Problem } from './problems.js';
import type { CaSignatureSummary, Verdict, VerifyReport } from './report.js';
import { printable } from './text.js';
import { MISSING_ANCHOR, originSentence, verdictBanner, verdictSentence } from './verdict.js';

/** Extra context for {@link renderReport}. */
export interface ReportExtras {
  /** Title line, e.g. the school's name (default: the origin). */
  readonly title?: string;
  /** What was verified, e.g. the bundle's file name. */
  readonly source?: string;
  /** When the verification ran (default: now), as shown to the reader. */
  readonly generatedAt?: string;
  /** Most findings shown in full (default 500; the rest are counted by code). */
  readonly findingLimit?: number;
  /** Size of the bundle file in bytes, for the inspection record (*biên bản*). */
  readonly bytes?: number;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escape text for HTML element content and attribute values; controls, bidi overrides and other
 * invisible characters are shown as escapes ({@link printable}) rather than acted on.
 */
export function escapeHtml(s: string): string {
  return printable(s).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** The CSS class and mark of each verdict's banner. */
const BANNER: { readonly [V in Verdict]: { readonly cls: string; readonly mark: string } } = {
  verified: { cls: 'ok', mark: '✔' },
  failed: { cls: 'bad', mark: '✘' },
  unanchored: { cls: 'unanchored', mark: '⚠' },
  unusable: { cls: 'unusable', mark: '⚠' },
};

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.5rem;margin-bottom:.25rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc;padding-bottom:.25rem}
.meta{color:#555;font-size:.9rem}
.verdict{padding:1rem 1.25rem;border-radius:.5rem;margin:1.25rem 0;font-size:1.1rem}
.verdict.ok{background:#e7f6ea;border:2px solid #2e7d32}.verdict.bad{background:#fdecea;border:2px solid #c62828}.verdict.unusable,.verdict.unanchored{background:#fff4e5;border:2px solid #ef6c00}
.verdict strong{font-size:1.3rem;display:block}
.passes{display:flex;gap:1rem;flex-wrap:wrap;margin-top:.5rem;font-size:.95rem}
.pass{padding:.15rem .6rem;border-radius:1rem;border:1px solid #999}.pass.passed{background:#e7f6ea}.pass.failed{background:#fdecea}.pass.skipped{background:#eee}
table{border-collapse:collapse;width:100%;font-size:.88rem}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f5f5f5}
tr.error td.sev{color:#c62828;font-weight:bold}tr.warning td.sev{color:#ef6c00;font-weight:bold}
code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.82rem;word-break:break-all}
.vi{color:#444;font-style:italic}
.ok-mark{color:#2e7d32;font-weight:bold}.bad-mark{color:#c62828;font-weight:bold}
.problem{border-left:4px solid #c62828;padding:.25rem .75rem;margin:.75rem 0}.problem.warning{border-left-color:#ef6c00}
.problem ul{margin:.25rem 0 0 1rem;padding:0;font-size:.88rem}
.bien-ban{font-family:"Times New Roman","Noto Serif",serif;font-size:13pt;line-height:1.4;margin-top:3rem;border-top:2px solid #333;padding-top:1rem}
.bien-ban h2{border:none;text-align:center;font-size:15pt;margin:1rem 0 .5rem}
.bien-ban .nation{text-align:center;font-weight:bold}.bien-ban .motto{text-align:center;text-decoration:underline}
.bien-ban table{font-size:11pt}.bien-ban .fill{display:inline-block;min-width:14rem;border-bottom:1px dotted #333}.bien-ban .fill.short{min-width:3rem}
.bien-ban .signs{display:flex;justify-content:space-between;margin-top:2rem;text-align:center;break-inside:avoid}
.bien-ban .signs div{width:45%}.bien-ban .signs .space{height:5rem}
.bien-ban code{word-break:break-all}
@media print{@page{size:A4;margin:15mm}body{margin:0;max-width:none}.verdict{break-inside:avoid}.bien-ban{break-before:page;border-top:none;margin-top:0}}
`;

function passLabel(name: string, name_vi: string, state: string): string {
  const word =
    state === 'passed' ? 'passed / đạt' : state === 'failed' ? 'failed / không đạt' : 'not checked / chưa kiểm tra';
  return `<span class="pass ${escapeHtml(state)}">${escapeHtml(name)} (${escapeHtml(name_vi)}): ${word}</span>`;
}

/** "259 · line 261": the 0-based position, and the bundle line beside it when there is one. */
function placeText(position: number | null, line: number | null | undefined): string {
  if (position === null) return '—';
  return typeof line === 'number' ? `${position} · line / dòng ${line}` : String(position);
}

function findingRow(f: Finding): string {
  return `<tr class="${escapeHtml(f.severity)}"><td class="sev">${escapeHtml(f.severity)}</td><td>${placeText(f.position, f.line)}</td><td><code>${escapeHtml(f.code)}</code></td><td>${escapeHtml(f.rule)}</td><td>${escapeHtml(f.message)}<div class="vi">${escapeHtml(f.message_vi)}</div>${
    f.stream !== null
      ? `<div class="meta">stream <code>${escapeHtml(f.stream)}</code>${f.event !== null ? `, event <code>${escapeHtml(f.event)}</code>` : ''}</div>`
      : ''
  }${f.claim !== undefined ? `<div class="meta">${escapeHtml(f.claim.summary)}<div class="vi">${escapeHtml(f.claim.summary_vi)}</div></div>` : ''}</td></tr>`;
}

/** One problem: its sentence, the rule, and the findings it causes, listed under it. */
function problemBlock(r: VerifyReport, p: Problem, k: number, vi: boolean): string {
  const cause = r.findings[p.cause];
  const items = p.consequences
    .map((i) => r.findings[i])
    .filter((f): f is Finding => f !== undefined)
    .map((f) => `<li><code>${escapeHtml(f.code)}</code> — ${escapeHtml(vi ? f.message_vi : f.message)}</li>`)
    .join('');
  const head = vi
    ? `<strong>${k + 1}.</strong> ${escapeHtml(p.summary_vi)}`
    : `<strong>${k + 1}.</strong> ${escapeHtml(p.summary)}<div class="vi">${escapeHtml(p.summary_vi)}</div>`;
  return `<div class="problem ${escapeHtml(p.severity)}">${head}<div class="meta">${vi ? 'Căn cứ' : 'Rule / Căn cứ'}: ${escapeHtml(p.rule)}${cause !== undefined ? ` · <code>${escapeHtml(cause.code)}</code>` : ''}</div>${
    items === ''
      ? ''
      : `<div class="meta">${vi ? 'Hệ quả kéo theo' : 'Consequences / Hệ quả kéo theo'}:</div><ul>${items}</ul>`
  }</div>`;
}

const VERDICT_VI: { readonly [V in Verdict]: string } = {
  verified: 'ĐẠT — hồ sơ nguyên vẹn, xác thực, đúng quy chế',
  failed: 'KHÔNG ĐẠT — có sai phạm được nêu dưới đây',
  unanchored: 'CHƯA ĐỐI CHIẾU — không phát hiện sai sót nhưng thiếu khóa tin cậy',
  unusable: 'DỮ LIỆU KHÔNG DÙNG ĐƯỢC — không kiểm tra được',
};

const PASS_VI: Readonly<Record<string, string>> = {
  passed: 'đạt',
  failed: 'không đạt',
  skipped: 'không kiểm tra',
  incomplete: 'chưa hoàn tất (dừng tại sự kiện không xác thực đầu tiên)',
};

/**
 * The printable inspection record (*biên bản kiểm tra*), in Vietnamese: what was checked, the
 * verdict, the problems found with their consequences, the inspector's name, unit and date to
 * fill by hand, and the places to sign. It starts on a page of its own when printed (A4).
 */
function inspectionRecord(r: VerifyReport, extras: ReportExtras, title: string): string {
  const a = r.anchors;
  const fill = '<span class="fill">&nbsp;</span>';
  const short = '<span class="fill short">&nbsp;</span>';
  const list = (xs: readonly string[]): string =>
    xs.length === 0 ? 'không có' : xs.map((x) => `<code>${escapeHtml(x)}</code>`).join('<br>');
  const checkpoints =
    r.checkpoints.length === 0
      ? 'không có'
      : r.checkpoints
          .map(
            (c) =>
              `${c.source === 'since' ? 'điểm đang giữ' : `dòng ${c.line ?? '—'}`}: ${c.size ?? '?'} sự kiện, ${c.ok ? 'khớp' : 'KHÔNG khớp'}${c.signedBy.length > 0 ? `, đóng dấu: ${escapeHtml(c.signedBy.join(', '))}` : ''}${c.cosignedBy.length > 0 ? `, chứng kiến: ${escapeHtml(c.cosignedBy.join(', '))}` : ''}`,
          )
          .join('<br>');
  const problems = r.problems.filter((p) => p.severity === 'error');
  const warnings = r.problems.filter((p) => p.severity === 'warning');
  const rows: Array<[string, string]> = [
    ['Tệp hồ sơ', extras.source !== undefined ? `<code>${escapeHtml(extras.source)}</code>` : '—'],
    ['Dung lượng', extras.bytes !== undefined ? `${extras.bytes.toLocaleString('vi-VN')} byte` : '—'],
    ['Sổ (nguồn)', `<code>${escapeHtml(r.origin ?? '—')}</code>`],
    ['Số sự kiện', String(r.size)],
    ['Gốc Merkle (RFC 9162)', `<code>${escapeHtml(r.root)}</code>`],
    ['Điểm kiểm tra', checkpoints],
    ['Khóa gốc', list(a.rootKeys)],
    ['Khóa đóng dấu', list(a.sealKeys)],
    ['Khóa chứng kiến', list(a.witnessKeys)],
    ['Điểm kiểm tra đang giữ', a.since === null ? 'không có' : `${a.since} sự kiện`],
    ...(a.missing.length > 0
      ? ([['Chưa đối chiếu', a.missing.map((m) => escapeHtml(MISSING_ANCHOR[m].vi)).join('<br>')]] as Array<
          [string, string]
        >)
      : []),
    [
      'Các bước kiểm tra',
      `Toàn vẹn: ${PASS_VI[r.passes.integrity] ?? r.passes.integrity}; xác thực: ${PASS_VI[r.passes.authenticity] ?? r.passes.authenticity}; tuân thủ quy chế: ${PASS_VI[r.passes.compliance] ?? r.passes.compliance}`,
    ],
    ['Giá trị pháp lý', escapeHtml(r.legal.statement_vi)],
  ];
  const parts: string[] = [];
  parts.push('<section class="bien-ban" id="bien-ban">');
  parts.push(
    '<div class="nation">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div><div class="motto">Độc lập - Tự do - Hạnh phúc</div>',
  );
  parts.push('<h2>BIÊN BẢN KIỂM TRA HỒ SƠ ĐIỆN TỬ</h2>');
  parts.push(`<p style="text-align:center">${escapeHtml(title)}</p>`);
  parts.push(
    `<p>Hôm nay, ngày ${short} tháng ${short} năm ${short}, người kiểm tra:</p><p>Họ và tên: ${fill}</p><p>Chức vụ, đơn vị: ${fill}</p><p>đã kiểm tra tệp hồ sơ điện tử dưới đây bằng công cụ kiểm tra hoso (kiểm tra ngoại tuyến, lúc ${escapeHtml(extras.generatedAt ?? new Date().toISOString())}).</p>`,
  );
  parts.push('<p><strong>I. Nội dung kiểm tra</strong></p><table class="checked"><tbody>');
  for (const [k, v] of rows) parts.push(`<tr><th>${k}</th><td>${v}</td></tr>`);
  parts.push('</tbody></table>');
  parts.push(
    `<p><strong>II. Kết luận:</strong> <span class="record-verdict">${escapeHtml(VERDICT_VI[r.verdict])}</span>. ${escapeHtml(verdictSentence(r).vi)}</p>`,
  );
  parts.push(`<p><strong>III. Các vấn đề phát hiện (${problems.length})</strong></p>`);
  if (problems.length === 0) parts.push('<p>Không có.</p>');
  else problems.forEach((p, k) => parts.push(problemBlock(r, p, k, true)));
  if (warnings.length > 0) {
    parts.push(`<p><strong>Các điểm cần lưu ý (${warnings.length})</strong></p>`);
    warnings.forEach((p, k) => parts.push(problemBlock(r, p, k, true)));
  }
  parts.push(`<p><strong>IV. Ý kiến của người kiểm tra</strong></p><p>${fill}</p><p>${fill}</p>`);
  parts.push(
    '<div class="signs"><div><strong>ĐẠI DIỆN ĐƠN VỊ ĐƯỢC KIỂM TRA</strong><br><em>(Ký, ghi rõ họ tên, đóng dấu)</em><div class="space"></div></div><div><strong>NGƯỜI KIỂM TRA</strong><br><em>(Ký, ghi rõ họ tên)</em><div class="space"></div></div></div>',
  );
  parts.push('</section>');
  return parts.join('\n');
}

/**
 * Render a verification report as one self-contained HTML page (inline CSS, no scripts, no
 * network): the verdict first, then the findings, then a timeline of notable events (corrections,
 * sign-offs, keys, windows), then the checkpoint chain. Every text from the report is escaped.
 */
export function renderReport(report: VerifyReport, extras: ReportExtras = {}): string {
  const title = extras.title ?? report.origin ?? 'hoso ledger';
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const limit = extras.findingLimit ?? 500;
  const { cls, mark } = BANNER[report.verdict];
  const a = report.anchors;
  const said = verdictSentence(report);

  const shown = report.findings.slice(0, limit);
  const hiddenByCode = new Map<string, number>();
  for (const f of report.findings.slice(limit)) hiddenByCode.set(f.code, (hiddenByCode.get(f.code) ?? 0) + 1);

  const parts: string[] = [];
  parts.push(
    `<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
  );
  parts.push(`<title>${escapeHtml(`Verification report — ${title}`)}</title><style>${CSS}</style></head><body>`);
  parts.push(`<h1>Verification report / Biên bản kiểm tra hồ sơ — ${escapeHtml(title)}</h1>`);
  parts.push(
    `<div class="meta">${extras.source !== undefined ? `Source / Nguồn: <code>${escapeHtml(extras.source)}</code> · ` : ''}Origin: <code>${escapeHtml(report.origin ?? '—')}</code> · Generated / Lập lúc: ${escapeHtml(
      extras.generatedAt ?? new Date().toISOString(),
    )}</div>`,
  );
  parts.push(
    `<div class="verdict ${cls}"><strong>${mark} ${verdictBanner(report.verdict)}</strong>${escapeHtml(said.en)}<div class="vi">${escapeHtml(said.vi)}</div>`,
  );
  parts.push(
    `<div class="passes">${passLabel('Integrity', 'toàn vẹn', report.passes.integrity)}${passLabel('Authenticity', 'xác thực', report.passes.authenticity)}${passLabel('Compliance', 'tuân thủ quy chế', report.passes.compliance)}</div>`,
  );
  parts.push(
    `<div class="meta">Events / Sự kiện: ${report.size} · Streams / Luồng: ${report.stats.streams} · Signatures / Chữ ký: ${report.stats.signatures} · Merkle root / Gốc Merkle: <code>${escapeHtml(report.root)}</code> · Errors / Lỗi: ${errors} · Warnings / Cảnh báo: ${warnings}</div></div>`,
  );

  parts.push(
    `<h2>Legal weight / Giá trị pháp lý: ${escapeHtml(report.legal.weight)}</h2><p>${escapeHtml(report.legal.statement)}</p><p class="vi">${escapeHtml(report.legal.statement_vi)}</p>`,
  );
  parts.push(caSignaturesTable(report.legal.signatures ?? []));
  const pdSaid = report.personalData === undefined ? [] : personalDataSentences(report.personalData);
  if (pdSaid.length > 0)
    parts.push(
      '<h2>Personal data / Dữ liệu cá nhân</h2>',
      ...pdSaid.map((x) => `<p>${escapeHtml(x.en)}</p><p class="vi">${escapeHtml(x.vi)}</p>`),
    );

  parts.push('<h2>Checked against / Đối chiếu với</h2><table><tbody>');
  const list = (xs: readonly string[]): string =>
    xs.length === 0 ? '— (none given / không có)' : xs.map((x) => `<code>${escapeHtml(x)}</code>`).join(', ');
  parts.push(`<tr><th>Root keys / Khóa gốc</th><td>${list(a.rootKeys)}</td></tr>`);
  parts.push(`<tr><th>Seal keys / Khóa đóng dấu</th><td>${list(a.sealKeys)}</td></tr>`);
  parts.push(`<tr><th>Witness keys / Khóa chứng kiến</th><td>${list(a.witnessKeys)}</td></tr>`);
  parts.push(
    `<tr><th>Held checkpoint / Điểm kiểm tra đang giữ</th><td>${a.since === null ? '—' : `size ${a.since}`}</td></tr>`,
  );
  const origin = originSentence(a.origin);
  parts.push(
    `<tr><th>Ledger / Sổ</th><td>${escapeHtml(origin.en)}<div class="vi">${escapeHtml(origin.vi)}</div></td></tr>`,
  );
  if (a.missing.length > 0)
    parts.push(
      `<tr><th>Not checked / Chưa đối chiếu</th><td>${a.missing.map((m) => `${escapeHtml(MISSING_ANCHOR[m].en)}<div class="vi">${escapeHtml(MISSING_ANCHOR[m].vi)}</div>`).join('')}</td></tr>`,
    );
  parts.push('</tbody></table>');

  const problems = report.problems;
  parts.push(`<h2>Problems / Các vấn đề (${problems.length})</h2>`);
  if (problems.length === 0) parts.push('<p>No problems. / Không có vấn đề nào.</p>');
  else problems.slice(0, limit).forEach((p, k) => parts.push(problemBlock(report, p, k, false)));

  parts.push(`<h2>Findings / Các phát hiện (${report.findings.length})</h2>`);
  if (report.findings.length === 0) parts.push('<p>No findings. / Không có phát hiện nào.</p>');
  else {
    parts.push(
      '<table><thead><tr><th>Severity</th><th>Position</th><th>Code</th><th>Rule / Điều</th><th>What / Nội dung</th></tr></thead><tbody>',
    );
    for (const f of shown) parts.push(findingRow(f));
    parts.push('</tbody></table>');
    if (hiddenByCode.size > 0) {
      parts.push(
        `<p>${report.findings.length - shown.length} more findings not shown / còn ${report.findings.length - shown.length} phát hiện không hiển thị:</p><ul>`,
      );
      for (const [code, n] of hiddenByCode) {
        const spec = (FINDING_CODES as Record<string, { title: string; title_vi: string } | undefined>)[code];
        parts.push(
          `<li><code>${escapeHtml(code)}</code> × ${n}${spec !== undefined ? ` — ${escapeHtml(spec.title)} / ${escapeHtml(spec.title_vi)}` : ''}</li>`,
        );
      }
      parts.push('</ul>');
    }
  }

  parts.push(`<h2>Timeline of edits / Diễn biến (${report.timeline.length})</h2>`);
  if (report.timeline.length === 0)
    parts.push('<p>No corrections, sign-offs or key changes. / Không có sửa chữa, ký duyệt hay thay đổi khóa.</p>');
  else {
    parts.push(
      '<table><thead><tr><th>Position</th><th>Signed at / Thời điểm ký</th><th>Type</th><th>By (role)</th><th>Summary / Tóm tắt</th><th>Stream</th></tr></thead><tbody>',
    );
    for (const t of report.timeline)
      parts.push(
        `<tr><td>${t.position}</td><td>${escapeHtml(t.at)}</td><td><code>${escapeHtml(t.type)}</code></td><td>${t.by.name !== undefined && t.by.name !== null ? `${escapeHtml(t.by.name)} (${escapeHtml(t.by.person ?? '')})` : `<code>${escapeHtml(t.by.key.slice(0, 10))}…</code>`} (${escapeHtml(t.by.role)})</td><td>${escapeHtml(t.summary)}</td><td><code>${escapeHtml(t.stream)}</code></td></tr>`,
      );
    parts.push('</tbody></table>');
  }

  parts.push(`<h2>Checkpoint chain / Chuỗi điểm kiểm tra (${report.checkpoints.length})</h2>`);
  if (report.checkpoints.length === 0) parts.push('<p>No checkpoints. / Không có điểm kiểm tra.</p>');
  else {
    parts.push(
      '<table><thead><tr><th>Source</th><th>Size</th><th>Root</th><th>Sealed by / Đóng dấu</th><th>Witnessed by / Chứng kiến</th><th>Result</th></tr></thead><tbody>',
    );
    for (const c of report.checkpoints)
      parts.push(
        `<tr><td>${c.source === 'since' ? 'held by inspector / đang giữ' : `bundle line ${c.line ?? '—'}`}</td><td>${c.size ?? '—'}</td><td class="mono">${escapeHtml(c.root ?? '—')}</td><td>${escapeHtml(c.signedBy.join(', ') || '—')}</td><td>${escapeHtml(
          c.cosignedBy.join(', ') || '—',
        )}</td><td>${c.ok ? '<span class="ok-mark">✔ consistent</span>' : '<span class="bad-mark">✘ see findings</span>'}${timestampCell(c)}</td></tr>`,
      );
    parts.push('</tbody></table>');
  }
  parts.push(
    `<p class="meta">Checked offline by the hoso verifier: every event re-hashed (RFC 9162), every signature re-verified (Ed25519, RFC 8032), every key traced to the school's root key, and the school rules replayed by ledger position. / Kiểm tra ngoại tuyến bằng công cụ hoso.</p>`,
  );
  parts.push(inspectionRecord(report, extras, title));
  parts.push('</body></html>');
  return parts.join('\n');
}

/** The CA-backed signatures on acts, each with its certificate's subject, issuer, serial and validity. */
function caSignaturesTable(sigs: readonly CaSignatureSummary[]): string {
  if (sigs.length === 0) return '';
  const rows = sigs.map(
    (g) =>
      `<tr><td>${g.position}</td><td><code>${escapeHtml(g.actType)}</code> <code>${escapeHtml(g.act)}</code></td><td>${escapeHtml(g.who)}</td><td>${escapeHtml(g.subject ?? '—')}</td><td>${escapeHtml(g.issuer ?? '—')}</td><td class="mono">${escapeHtml(g.serial ?? '—')}</td><td>${escapeHtml(g.notBefore ?? '—')} – ${escapeHtml(g.notAfter ?? '—')}</td><td>${escapeHtml(g.time ?? '—')}${g.timestamped ? '' : ' (claimed / tự ghi)'}</td><td>${g.ok ? '<span class="ok-mark">✔</span>' : '<span class="bad-mark">✘ see findings</span>'}</td></tr>`,
  );
  return [
    `<h3>CA-backed signatures / Chữ ký số (${sigs.length})</h3>`,
    '<table><thead><tr><th>Position</th><th>Act / Văn bản</th><th>Signer / Người ký</th><th>Subject / Chủ thể</th><th>Issuer / Tổ chức cấp</th><th>Serial / Số hiệu</th><th>Valid / Hiệu lực</th><th>Checked at / Thời điểm</th><th>Result</th></tr></thead><tbody>',
    ...rows,
    '</tbody></table>',
  ].join('\n');
}

/** The RFC 3161 timestamps of a checkpoint: the time each proves, its TSA, whether it holds. */
function timestampCell(c: VerifyReport['checkpoints'][number]): string {
  return (c.timestamps ?? [])
    .map(
      (t) =>
        `<br>timestamped / dấu thời gian ${escapeHtml(t.time ?? '?')}${t.tsa === null ? '' : ` (${escapeHtml(t.tsa)})`}${t.ok === true ? '' : t.ok === null ? ' — unchecked / chưa kiểm tra' : ' — <span class="bad-mark">✘ not valid / không hợp lệ</span>'}`,
    )
    .join('');
}
