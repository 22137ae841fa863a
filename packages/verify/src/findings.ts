/**
 * Findings: what the verifier reports to an inspector (*thanh tra*, *kiểm tra*). Each finding has
 * a stable kebab-case `code`, a severity, where it happened (ledger position, event id, stream),
 * the rule broken and one sentence in English and one in Vietnamese.
 *
 * The catalogue below is the single source of the codes, their severities, rules and titles, so
 * the CLI's `--json`, the HTML report and the documentation (`docs/verifying.md`) agree; the
 * sentences of each code are in `messages.ts`, keyed by the same codes.
 */
import type { EventClaim } from './claims.js';

/** `error` breaks integrity, authenticity or compliance; `warning` needs a human look. */
export type Severity = 'error' | 'warning';

/** One finding, in the `--json` shape of docs/design.md §9 plus `message_vi` and optional `details`. */
export interface Finding {
  readonly code: FindingCode;
  readonly severity: Severity;
  /** Ledger position (0-based leaf index) of the event concerned, or null for the bundle as a whole. */
  readonly position: number | null;
  /** Event id, when known. */
  readonly event: string | null;
  /** Logical stream, when known. */
  readonly stream: string | null;
  /** The article or standard broken, e.g. `QC Điều 12.3`, `RFC 9162 §2.1`, `docs/design.md §3`. */
  readonly rule: string;
  /** One English sentence an inspector understands. */
  readonly message: string;
  /** The same sentence in Vietnamese. */
  readonly message_vi: string;
  /** Machine-readable extras (expected vs actual values). */
  readonly details?: Readonly<Record<string, unknown>>;
  /**
   * The bundle line (1-based; line 1 is the header) of the event at `position`, beside it; null
   * when verified from a store. Absent on findings about the bundle as a whole.
   */
  readonly line?: number | null;
  /** What the event claims in school terms (student, class, subject, column, value, signers by name). */
  readonly claim?: EventClaim;
  /**
   * Index in `report.problems` of the problem this finding belongs to: one edited, removed,
   * inserted or moved event is one problem, its knock-on findings listed under it.
   */
  readonly problem?: number;
}

interface CodeSpec {
  readonly severity: Severity;
  readonly rule: string;
  /** Short English title, used by the HTML report and the docs. */
  readonly title: string;
  readonly title_vi: string;
}

/**
 * Every finding code the verifier can emit. Ledger rule violations found by the compliance pass
 * are reported under `rule-violation` with the ledger's own error code in `details.ledgerCode`.
 */
export const FINDING_CODES = {
  // --- input ---------------------------------------------------------------------------------
  'bundle-unreadable': {
    severity: 'error',
    rule: 'docs/design.md §7',
    title: 'The bundle cannot be read',
    title_vi: 'Không đọc được tệp xuất dữ liệu',
  },
  'header-invalid': {
    severity: 'error',
    rule: 'docs/design.md §7',
    title: 'The bundle header is malformed',
    title_vi: 'Dòng đầu của tệp xuất không đúng định dạng',
  },
  'bundle-layout': {
    severity: 'error',
    rule: 'docs/design.md §7',
    title: 'A line is out of place in the bundle',
    title_vi: 'Một dòng nằm sai vị trí trong tệp xuất',
  },
  'line-too-long': {
    severity: 'error',
    rule: 'docs/design.md §7',
    title: 'A line is longer than any event may be',
    title_vi: 'Một dòng dài hơn giới hạn của một sự kiện',
  },
  'size-mismatch': {
    severity: 'error',
    rule: 'docs/design.md §7',
    title: 'The number of events differs from the header',
    title_vi: 'Số sự kiện khác với số ghi ở dòng đầu',
  },
  'verifier-failure': {
    severity: 'error',
    rule: 'docs/design.md §10',
    title: 'The verifier itself failed; the result is incomplete',
    title_vi: 'Công cụ kiểm tra gặp lỗi; kết quả không đầy đủ',
  },
  'too-many-findings': {
    severity: 'warning',
    rule: 'docs/design.md §9',
    title: 'Further findings were not listed',
    title_vi: 'Các phát hiện tiếp theo không được liệt kê',
  },
  // --- integrity -----------------------------------------------------------------------------
  'event-invalid': {
    severity: 'error',
    rule: 'docs/design.md §3',
    title: 'An event is not a valid envelope',
    title_vi: 'Một sự kiện không đúng cấu trúc',
  },
  'event-not-canonical': {
    severity: 'error',
    rule: 'RFC 8785 §3',
    title: 'An event is not in canonical form',
    title_vi: 'Một sự kiện không ở dạng chuẩn tắc',
  },
  'ledger-mismatch': {
    severity: 'error',
    rule: 'docs/design.md §3',
    title: 'An event belongs to another ledger',
    title_vi: 'Một sự kiện thuộc sổ của đơn vị khác',
  },
  'duplicate-id': {
    severity: 'error',
    rule: 'docs/design.md §3',
    title: 'An event id appears twice',
    title_vi: 'Một mã sự kiện xuất hiện hai lần',
  },
  'stream-rev-gap': {
    severity: 'error',
    rule: 'docs/design.md §3',
    title: 'A stream revision is missing or repeated',
    title_vi: 'Số thứ tự trong một luồng bị thiếu hoặc lặp',
  },
  'stream-prev-mismatch': {
    severity: 'error',
    rule: 'docs/design.md §3',
    title: 'An event does not chain to its predecessor',
    title_vi: 'Một sự kiện không nối đúng với sự kiện trước nó',
  },
  'time-backwards': {
    severity: 'warning',
    rule: 'docs/design.md §8',
    title: 'Signing time runs backwards',
    title_vi: 'Thời điểm ký chạy lùi',
  },
  'time-ahead': {
    severity: 'warning',
    rule: 'docs/design.md §8',
    title: 'An event claims a time after the log had moved on',
    title_vi: 'Sự kiện ghi thời điểm ký muộn hơn thực tế của sổ',
  },
  'origin-mismatch': {
    severity: 'error',
    rule: 'docs/design.md §5',
    title: 'The bundle is not the ledger the inspector expected',
    title_vi: 'Tệp xuất không phải sổ mà người kiểm tra cần kiểm tra',
  },
  'checkpoint-invalid': {
    severity: 'error',
    rule: 'C2SP tlog-checkpoint',
    title: 'A checkpoint is malformed',
    title_vi: 'Một điểm kiểm tra không đúng định dạng',
  },
  'checkpoint-origin-mismatch': {
    severity: 'error',
    rule: 'docs/design.md §5',
    title: 'A checkpoint names another ledger',
    title_vi: 'Một điểm kiểm tra ghi tên sổ khác',
  },
  'checkpoint-signature-invalid': {
    severity: 'error',
    rule: 'C2SP signed-note',
    title: 'A checkpoint signature does not verify',
    title_vi: 'Chữ ký trên điểm kiểm tra không hợp lệ',
  },
  'checkpoint-untrusted': {
    severity: 'error',
    rule: 'C2SP signed-note',
    title: 'No trusted key signed a checkpoint',
    title_vi: 'Điểm kiểm tra không được ký bởi khóa tin cậy nào',
  },
  'checkpoint-unverified': {
    severity: 'warning',
    rule: 'C2SP signed-note',
    title: 'Checkpoint signatures were not checked (no seal key given)',
    title_vi: 'Chưa kiểm tra chữ ký điểm kiểm tra (không có khóa đóng dấu)',
  },
  'checkpoint-not-witnessed': {
    severity: 'error',
    rule: 'C2SP tlog-cosignature',
    title: 'No trusted witness cosigned the final checkpoint',
    title_vi: 'Không có cơ quan chứng kiến nào ký xác nhận điểm kiểm tra cuối',
  },
  'checkpoint-root-mismatch': {
    severity: 'error',
    rule: 'RFC 9162 §2.1',
    title: 'The events do not hash to the checkpoint root',
    title_vi: 'Các sự kiện không khớp với gốc Merkle của điểm kiểm tra',
  },
  'checkpoint-fork': {
    severity: 'error',
    rule: 'RFC 9162 §2.1.4',
    title: 'Two checkpoints of one size disagree (fork)',
    title_vi: 'Hai điểm kiểm tra cùng kích thước nhưng khác nhau (rẽ nhánh)',
  },
  'checkpoint-beyond-bundle': {
    severity: 'error',
    rule: 'RFC 9162 §2.1.4',
    title: 'A checkpoint covers more events than the bundle holds (truncation)',
    title_vi: 'Điểm kiểm tra bao gồm nhiều sự kiện hơn tệp xuất (bị cắt bớt)',
  },
  'checkpoint-missing': {
    severity: 'error',
    rule: 'docs/design.md §7',
    title: 'No checkpoint covers the whole bundle',
    title_vi: 'Không có điểm kiểm tra nào bao trùm toàn bộ tệp xuất',
  },
  'checkpoint-unchecked': {
    severity: 'warning',
    rule: 'RFC 9162 §2.1',
    title: 'A checkpoint root could not be recomputed',
    title_vi: 'Không tính lại được gốc Merkle của một điểm kiểm tra',
  },
  'since-invalid': {
    severity: 'error',
    rule: 'C2SP tlog-checkpoint',
    title: 'The held checkpoint is unusable',
    title_vi: 'Điểm kiểm tra đang giữ không dùng được',
  },
  'since-inconsistent': {
    severity: 'error',
    rule: 'RFC 9162 §2.1.4',
    title: 'History differs from the held checkpoint (rewrite or fork)',
    title_vi: 'Lịch sử khác với điểm kiểm tra đang giữ (bị sửa hoặc rẽ nhánh)',
  },
  'since-rollback': {
    severity: 'error',
    rule: 'RFC 9162 §2.1.4',
    title: 'The bundle is smaller than the held checkpoint (rollback)',
    title_vi: 'Tệp xuất nhỏ hơn điểm kiểm tra đang giữ (quay lui)',
  },
  // --- authenticity --------------------------------------------------------------------------
  'signature-invalid': {
    severity: 'error',
    rule: 'RFC 8032 §5.1.7',
    title: 'A signature does not verify',
    title_vi: 'Chữ ký số không hợp lệ',
  },
  'signature-structure': {
    severity: 'error',
    rule: 'docs/design.md §3',
    title: 'The signatures of an event are not as the signed part names them',
    title_vi: 'Các chữ ký không khớp với người ký được ghi trong sự kiện',
  },
  'trust-unanchored': {
    severity: 'warning',
    rule: 'docs/design.md §7',
    title: 'No root key was given: keys were not traced to a trust anchor',
    title_vi: 'Không có khóa gốc: chưa truy được nguồn tin cậy của các khóa',
  },
  'genesis-untrusted': {
    severity: 'error',
    rule: 'QC Điều 6.1',
    title: 'The school genesis is not signed by the given root key',
    title_vi: 'Sự kiện khởi tạo không được ký bằng khóa gốc đã cho',
  },
  'key-unregistered': {
    severity: 'error',
    rule: 'QC Điều 7.1',
    title: 'A signer key was not registered before use',
    title_vi: 'Khóa ký chưa được đăng ký trước khi dùng',
  },
  'key-revoked': {
    severity: 'error',
    rule: 'QC Điều 6.1',
    title: 'A revoked key signed an event',
    title_vi: 'Khóa đã thu hồi được dùng để ký',
  },
  // --- compliance ----------------------------------------------------------------------------
  'rule-violation': {
    severity: 'error',
    rule: 'QC Điều 7.2',
    title: 'An event breaks the school rules at its position',
    title_vi: 'Một sự kiện vi phạm quy chế tại vị trí của nó',
  },
  'compliance-unchecked': {
    severity: 'warning',
    rule: 'docs/design.md §1',
    title: 'The school rules were not replayed',
    title_vi: 'Chưa kiểm tra lại quy chế nghiệp vụ',
  },
  'compliance-stopped': {
    severity: 'warning',
    rule: 'docs/design.md §1',
    title: 'The school rules were replayed only up to the first event that is not authentic',
    title_vi: 'Quy chế chỉ được kiểm tra lại đến sự kiện đầu tiên không xác thực',
  },
  'ca-signature-invalid': {
    severity: 'error',
    rule: 'QC Điều 3.1',
    title: 'A CA-backed signature, a certificate binding or a certificate consent does not hold',
    title_vi: 'Chữ ký số bằng chứng thư số, việc gắn chứng thư số hoặc sự đồng ý bằng chứng thư số không hợp lệ',
  },
  'ca-signature-untimestamped': {
    severity: 'warning',
    rule: 'ETSI EN 319 122-1 §5.3',
    title: 'A CA-backed signature has no timestamp: it was checked at the time its signer claims',
    title_vi: 'Chữ ký số không có dấu thời gian: được kiểm tra tại thời điểm người ký tự ghi',
  },
  'checkpoint-timestamp-invalid': {
    severity: 'error',
    rule: 'RFC 3161 §2.4.2',
    title: 'A timestamp on a checkpoint does not hold',
    title_vi: 'Dấu thời gian trên một điểm kiểm tra không hợp lệ',
  },
  'checkpoint-timestamp-unchecked': {
    severity: 'warning',
    rule: 'docs/formats.md §2',
    title: 'Timestamps on checkpoints were not checked: no trust list was given',
    title_vi: 'Chưa kiểm tra dấu thời gian trên điểm kiểm tra: chưa có danh sách chứng thư gốc tin cậy',
  },
  'checkpoint-timestamp-order': {
    severity: 'warning',
    rule: 'docs/design.md §8',
    title: 'A checkpoint was timestamped after a larger one',
    title_vi: 'Một điểm kiểm tra được gắn dấu thời gian muộn hơn điểm kiểm tra lớn hơn nó',
  },
  'time-after-timestamp': {
    severity: 'warning',
    rule: 'docs/design.md §8',
    title: 'An event claims a time after a timestamp proves its checkpoint existed',
    title_vi: 'Sự kiện ghi thời điểm ký muộn hơn lúc dấu thời gian chứng minh điểm kiểm tra chứa nó đã có',
  },
  'time-before-timestamp': {
    severity: 'warning',
    rule: 'docs/design.md §8',
    title: 'An event written after a timestamped checkpoint claims an earlier time',
    title_vi: 'Sự kiện ghi sau một điểm kiểm tra có dấu thời gian nhưng ghi thời điểm ký sớm hơn',
  },
  'ca-signatures-unchecked': {
    severity: 'warning',
    rule: 'QC Điều 3.1',
    title: 'CA-backed signatures were not checked: no trust list was given',
    title_vi: 'Chưa kiểm tra chữ ký số: chưa có danh sách chứng thư gốc tin cậy',
  },
  // --- personal data: disclosures (docs/personal-data.md §6) ---------------------------------
  'disclosure-refused': {
    severity: 'error',
    rule: 'docs/formats.md §8',
    title: 'The disclosure file is for another ledger or another history',
    title_vi: 'Tệp công khai dữ liệu cá nhân thuộc sổ khác hoặc lịch sử khác',
  },
  'disclosure-signature-invalid': {
    severity: 'error',
    rule: 'RFC 8032 §5.1.7',
    title: "The disclosure file's signature does not verify",
    title_vi: 'Chữ ký trên tệp công khai dữ liệu cá nhân không hợp lệ',
  },
  'disclosure-signer-untrusted': {
    severity: 'error',
    rule: 'docs/personal-data.md §6',
    title: "The disclosure file is not signed by a key of the school's leader",
    title_vi: 'Tệp công khai dữ liệu cá nhân không được ký bằng khóa của lãnh đạo nhà trường',
  },
  'opening-mismatch': {
    severity: 'error',
    rule: 'docs/personal-data.md §2',
    title: 'A disclosed value does not match the commitment the ledger signed',
    title_vi: 'Giá trị được công khai không khớp với cam kết (mã băm) đã ký trong sổ',
  },
  'opening-unknown': {
    severity: 'error',
    rule: 'docs/personal-data.md §2',
    title: 'A disclosed value is for a commitment the ledger does not sign',
    title_vi: 'Giá trị được công khai ứng với một cam kết không có trong sổ',
  },
  'opening-erased': {
    severity: 'error',
    rule: 'docs/personal-data.md §4',
    title: 'A disclosed value belongs to a pupil whose personal data was erased',
    title_vi: 'Giá trị được công khai thuộc học sinh đã bị xóa dữ liệu cá nhân',
  },
  'partial-bundle': {
    severity: 'warning',
    rule: 'docs/personal-data.md §6',
    title: "A transcript carries one pupil's events only: the ledger-wide replay of the school rules was not possible",
    title_vi: 'Trích lục chỉ gồm các sự kiện của một học sinh: không thể kiểm tra lại quy chế trên toàn bộ sổ',
  },
  'transcript-event-invalid': {
    severity: 'error',
    rule: 'RFC 9162 §2.1.3.2',
    title: 'An event of the transcript or its inclusion proof does not verify',
    title_vi: 'Một sự kiện của trích lục hoặc bằng chứng bao hàm của nó không hợp lệ',
  },
  'transcript-key-untraced': {
    severity: 'error',
    rule: 'QC Điều 7.1',
    title: "An event of the transcript is signed by a key the transcript does not trace to the school's root key",
    title_vi: 'Một sự kiện của trích lục được ký bằng khóa không truy được về khóa gốc của nhà trường',
  },
} as const satisfies Record<string, CodeSpec>;

/** A finding code from {@link FINDING_CODES}. */
export type FindingCode = keyof typeof FINDING_CODES;

/** Where a finding happened. */
export interface FindingSite {
  readonly position?: number | null;
  readonly event?: string | null;
  readonly stream?: string | null;
}

/** Build a finding with the catalogue's severity and rule unless overridden. */
export function finding(
  code: FindingCode,
  site: FindingSite,
  message: string,
  message_vi: string,
  extra: { rule?: string; severity?: Severity; details?: Record<string, unknown> } = {},
): Finding {
  const spec: CodeSpec = FINDING_CODES[code];
  const f: { -readonly [K in keyof Finding]: Finding[K] } = {
    code,
    severity: extra.severity ?? spec.severity,
    position: site.position ?? null,
    event: site.event ?? null,
    stream: site.stream ?? null,
    rule: extra.rule ?? spec.rule,
    message,
    message_vi,
  };
  if (extra.details !== undefined) f.details = extra.details;
  return f;
}

/** Order findings by position (bundle-wide ones first), then code, for stable reports. */
export function compareFindings(a: Finding, b: Finding): number {
  const pa = a.position ?? -1;
  const pb = b.position ?? -1;
  if (pa !== pb) return pa - pb;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
