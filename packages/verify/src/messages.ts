/**
 * The sentences of every finding, in English and Vietnamese, keyed by its code: {@link MESSAGES}
 * is a record over the whole {@link FindingCode} union, so the compiler refuses a code without
 * its sentences, and each code's parameters are typed ({@link MessageParams}). {@link say} builds
 * a finding from a code, where it happened and those parameters.
 */
import { finding, type Finding, type FindingCode, type FindingSite, type Severity } from './findings.js';

/** One finding's sentence in both languages. */
export interface Sentence {
  readonly en: string;
  readonly vi: string;
}

/** Where a checkpoint came from, for the sentences about it. */
export type CheckpointPlace =
  /** A line of the bundle, or (null) a checkpoint given with a store. */
  | { readonly line: number | null }
  /** The checkpoint the inspector already holds (`since`). */
  | { readonly held: true };

/** What is wrong with one checkpoint note on its own (see `checkpoints.ts`). */
export type CheckpointProblem =
  | { readonly problem: 'malformed' }
  | { readonly problem: 'origin'; readonly actual: string; readonly expected: string }
  | { readonly problem: 'seal-signature'; readonly reason: string }
  | { readonly problem: 'witness-signature'; readonly reason: string }
  | { readonly problem: 'untrusted' };

/** What pinned the origin the inspector expects (docs/verifying.md). */
export type OriginPin = 'expected-origin' | 'seal-key' | 'witness-key';

/** The parameters of each code's sentence. */
export interface MessageParams {
  'bundle-unreadable': { readonly source: 'bundle' | 'store'; readonly reason: string };
  /** `reason` null: the input has no header line at all. */
  'header-invalid': { readonly reason: string | null };
  'bundle-layout': { readonly position: number };
  'line-too-long': { readonly line: number; readonly length: number; readonly limit: number };
  'size-mismatch': { readonly declared: number; readonly actual: number };
  'verifier-failure': { readonly part: 'signatures' | 'ids'; readonly reason: string };
  'too-many-findings': { readonly dropped: number; readonly limit: number };
  'event-invalid':
    | { readonly kind: 'envelope'; readonly position: number; readonly reason: string }
    | { readonly kind: 'unknown-type'; readonly type: string }
    | { readonly kind: 'payload'; readonly type: string };
  'event-not-canonical': { readonly position: number; readonly reason: string };
  'ledger-mismatch': { readonly actual: string; readonly expected: string };
  'duplicate-id': { readonly id: string; readonly first: number };
  'stream-rev-gap': { readonly stream: string; readonly expected: number; readonly actual: number };
  'stream-prev-mismatch': { readonly stream: string; readonly expected: string | null; readonly actual: string | null };
  'time-backwards': { readonly at: string; readonly minutes: number };
  'time-ahead':
    | {
        readonly reference: 'checkpoint';
        readonly at: string;
        readonly minutes: number;
        readonly size: number;
        readonly witness: string;
        readonly cosignedAt: string;
      }
    | { readonly reference: 'later-events'; readonly at: string; readonly minutes: number; readonly later: number };
  'origin-mismatch': { readonly actual: string; readonly expected: readonly string[]; readonly pinnedBy: OriginPin };
  'checkpoint-invalid':
    | { readonly kind: 'line'; readonly line: number }
    | { readonly kind: 'too-long'; readonly place: CheckpointPlace }
    | { readonly kind: 'note'; readonly place: CheckpointPlace };
  'checkpoint-origin-mismatch': { readonly place: CheckpointPlace; readonly actual: string; readonly expected: string };
  'checkpoint-signature-invalid': {
    readonly place: CheckpointPlace;
    readonly signer: 'seal' | 'witness';
    readonly reason: string;
  };
  'checkpoint-untrusted': { readonly place: CheckpointPlace };
  'checkpoint-unverified': Record<string, never>;
  'checkpoint-not-witnessed': { readonly size: number };
  'checkpoint-root-mismatch': { readonly place: CheckpointPlace; readonly size: number };
  'checkpoint-fork': { readonly place: CheckpointPlace; readonly size: number; readonly otherLine: number | null };
  'checkpoint-beyond-bundle': { readonly place: CheckpointPlace; readonly size: number; readonly actual: number };
  'checkpoint-missing': { readonly size: number };
  'checkpoint-unchecked':
    | { readonly kind: 'one-shot'; readonly place: CheckpointPlace; readonly size: number }
    | { readonly kind: 'dropped'; readonly dropped: number; readonly kept: number };
  'since-invalid': CheckpointProblem;
  'since-inconsistent': { readonly size: number };
  'since-rollback': { readonly held: number; readonly actual: number };
  'signature-invalid': { readonly event: string; readonly index: number; readonly role: string };
  'signature-structure': { readonly reason: string };
  'trust-unanchored': Record<string, never>;
  'genesis-untrusted':
    | { readonly kind: 'second' }
    | { readonly kind: 'not-self-signed' }
    | { readonly kind: 'untrusted-root'; readonly rootKey: string }
    | { readonly kind: 'not-first'; readonly type: string }
    | { readonly kind: 'missing' };
  'key-unregistered':
    | { readonly kind: 'no-possession'; readonly key: string; readonly holderRole: string }
    | { readonly kind: 'before-registration'; readonly key: string; readonly role: string };
  'key-revoked': { readonly key: string; readonly person: string; readonly revokedAt: number };
  'rule-violation': {
    readonly type: string;
    readonly role: string;
    readonly reason: string;
    readonly reason_vi: string;
  };
  'compliance-unchecked': Record<string, never>;
  /**
   * `what`: the act's CA signature, a certificate's binding, or a key consent; `who` the person
   * (id and name); `reason` what `@hoso/pki` or the ledger found.
   */
  'ca-signature-invalid': {
    readonly what: 'act' | 'binding' | 'consent';
    readonly who: string;
    readonly act?: { readonly type: string; readonly id: string };
    readonly reason: string;
    readonly reason_vi: string;
  };
  'ca-signature-untimestamped': {
    readonly who: string;
    readonly act: { readonly type: string; readonly id: string };
    readonly time: string;
  };
  'checkpoint-timestamp-invalid': {
    readonly place: CheckpointPlace;
    readonly reason: string;
    readonly reason_vi: string;
  };
  'checkpoint-timestamp-unchecked': { readonly count: number };
  'checkpoint-timestamp-order': {
    readonly place: CheckpointPlace;
    readonly size: number;
    readonly time: string;
    readonly laterSize: number;
    readonly laterTime: string;
  };
  'time-after-timestamp': {
    readonly at: string;
    readonly size: number;
    readonly time: string;
    readonly minutes: number;
  };
  'time-before-timestamp': {
    readonly at: string;
    readonly size: number;
    readonly time: string;
    readonly minutes: number;
  };
  'ca-signatures-unchecked': { readonly count: number };
  'compliance-stopped': { readonly position: number };
  'disclosure-refused':
    | { readonly reason: 'origin'; readonly actual: string; readonly expected: string | null }
    | { readonly reason: 'history'; readonly size: number; readonly verified: number };
  'disclosure-signature-invalid': Record<string, never>;
  'disclosure-signer-untrusted': {
    readonly key: string;
    readonly reason: 'unregistered' | 'revoked' | 'not-leader';
  };
  'opening-mismatch': { readonly student: string; readonly field: string };
  'opening-unknown': { readonly student: string; readonly field: string };
  'opening-erased': { readonly student: string; readonly field: string };
  'partial-bundle': { readonly events: number; readonly student: string };
  'transcript-event-invalid': { readonly index: number; readonly reason: string };
  'transcript-key-untraced': { readonly key: string; readonly role: string };
}

function cap(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

/** "the checkpoint on line 9" / "điểm kiểm tra ở dòng 9", lower-case (see {@link cap}). */
export function placeOf(p: CheckpointPlace): Sentence {
  if ('held' in p) return { en: 'the held checkpoint', vi: 'điểm kiểm tra đang giữ' };
  return p.line === null
    ? { en: 'a checkpoint', vi: 'một điểm kiểm tra' }
    : { en: `the checkpoint on line ${p.line}`, vi: `điểm kiểm tra ở dòng ${p.line}` };
}

function problemOf(place: CheckpointPlace, p: CheckpointProblem): Sentence {
  const w = placeOf(place);
  switch (p.problem) {
    case 'malformed':
      return {
        en: `${cap(w.en)} is not a well-formed signed checkpoint.`,
        vi: `${cap(w.vi)} không đúng định dạng điểm kiểm tra có chữ ký.`,
      };
    case 'origin':
      return {
        en: `${cap(w.en)} names origin "${p.actual}", not "${p.expected}".`,
        vi: `${cap(w.vi)} ghi nguồn "${p.actual}", không phải "${p.expected}".`,
      };
    case 'seal-signature':
      return {
        en: `${cap(w.en)} carries a seal signature that does not verify (${p.reason}).`,
        vi: `${cap(w.vi)} mang chữ ký đóng dấu không hợp lệ.`,
      };
    case 'witness-signature':
      return {
        en: `${cap(w.en)} carries a witness cosignature that does not verify (${p.reason}).`,
        vi: `${cap(w.vi)} mang chữ ký chứng kiến không hợp lệ.`,
      };
    case 'untrusted':
      return {
        en: `${cap(w.en)} is signed by none of the trusted seal keys.`,
        vi: `${cap(w.vi)} không được ký bởi khóa đóng dấu tin cậy nào.`,
      };
  }
}

/** How the expected origin was pinned, in words. */
export const PINNED_BY: { readonly [P in OriginPin]: Sentence } = {
  'expected-origin': { en: 'as the inspector stated', vi: 'theo người kiểm tra đã nêu' },
  'seal-key': { en: "from the trusted seal key's name", vi: 'theo tên khóa đóng dấu tin cậy' },
  'witness-key': { en: "from the trusted witness key's name", vi: 'theo tên khóa chứng kiến tin cậy' },
};

/** The acts a CA signature is put on, as a Vietnamese report names them. */
export const ACT_VI: Readonly<Record<string, string>> = {
  SubjectSignedOff: 'xác nhận điểm môn học',
  ClassConfirmed: 'xác nhận kết quả của lớp',
  ClassApproved: 'phê duyệt kết quả',
  BookSealed: 'đóng dấu sổ',
  CorrectionMade: 'biên bản sửa chữa dữ liệu',
};

/** Every code's sentences (the compiler checks that none is missing). */
export const MESSAGES: { readonly [C in FindingCode]: (p: MessageParams[C]) => Sentence } = {
  'bundle-unreadable': (p) =>
    p.source === 'bundle'
      ? { en: `The bundle could not be read: ${p.reason}.`, vi: `Không đọc được tệp xuất: ${p.reason}.` }
      : { en: `The store could not be read: ${p.reason}.`, vi: `Không đọc được kho dữ liệu: ${p.reason}.` },
  'header-invalid': (p) =>
    p.reason === null
      ? { en: 'The input has no bundle header.', vi: 'Dữ liệu vào không có dòng đầu của tệp xuất.' }
      : {
          en: `Line 1 is not a bundle header: ${p.reason}.`,
          vi: `Dòng 1 không phải dòng đầu của tệp xuất: ${p.reason}.`,
        },
  'bundle-layout': (p) => ({
    en: `An event line follows a checkpoint line (position ${p.position}).`,
    vi: `Một dòng sự kiện nằm sau dòng điểm kiểm tra (vị trí ${p.position}).`,
  }),
  'line-too-long': (p) => ({
    en: `Line ${p.line}: line ${p.line} is ${p.length} bytes long (limit ${p.limit}).`,
    vi: `Dòng ${p.line}: quá dài (${p.length} byte, giới hạn ${p.limit}).`,
  }),
  'size-mismatch': (p) => ({
    en: `The header announces ${p.declared} events but the bundle holds ${p.actual}.`,
    vi: `Dòng đầu ghi ${p.declared} sự kiện nhưng tệp xuất chứa ${p.actual}.`,
  }),
  'verifier-failure': (p) =>
    p.part === 'signatures'
      ? { en: `Signature checking failed: ${p.reason}.`, vi: `Việc kiểm tra chữ ký bị lỗi: ${p.reason}.` }
      : {
          en: `Event ids could not all be compared: ${p.reason}.`,
          vi: `Không so sánh được toàn bộ mã sự kiện: ${p.reason}.`,
        },
  'too-many-findings': (p) => ({
    en: `${p.dropped} further findings were not listed (limit ${p.limit}).`,
    vi: `Còn ${p.dropped} phát hiện khác không được liệt kê (giới hạn ${p.limit}).`,
  }),
  'event-invalid': (p) => {
    switch (p.kind) {
      case 'envelope':
        return {
          en: `The event at position ${p.position} is not a valid envelope: ${p.reason}`,
          vi: `Sự kiện ở vị trí ${p.position} không đúng cấu trúc: ${p.reason}`,
        };
      case 'unknown-type':
        return { en: `Unknown event type "${p.type}".`, vi: `Loại sự kiện "${p.type}" không xác định.` };
      case 'payload':
        return {
          en: `The ${p.type} payload does not match the event catalogue.`,
          vi: `Dữ liệu của sự kiện ${p.type} không khớp danh mục sự kiện.`,
        };
    }
  },
  'event-not-canonical': (p) => ({
    en: `The event at position ${p.position} is not in canonical form: ${p.reason}`,
    vi: `Sự kiện ở vị trí ${p.position} không ở dạng chuẩn tắc: ${p.reason}`,
  }),
  'ledger-mismatch': (p) => ({
    en: `The event belongs to ledger "${p.actual}", not "${p.expected}".`,
    vi: `Sự kiện thuộc sổ "${p.actual}", không phải "${p.expected}".`,
  }),
  'duplicate-id': (p) => ({
    en: `Event id ${p.id} appears a second time (first at position ${p.first}).`,
    vi: `Mã sự kiện ${p.id} xuất hiện lần thứ hai (lần đầu ở vị trí ${p.first}).`,
  }),
  'stream-rev-gap': (p) => ({
    en: `Stream "${p.stream}" expects revision ${p.expected} here, but the event has revision ${p.actual}.`,
    vi: `Luồng "${p.stream}" cần số thứ tự ${p.expected} ở đây, nhưng sự kiện mang số ${p.actual}.`,
  }),
  'stream-prev-mismatch': (p) => ({
    en: `The event does not chain to the previous event of stream "${p.stream}" (prev ${p.actual ?? 'null'}, expected ${p.expected ?? 'null'}).`,
    vi: `Sự kiện không nối với sự kiện trước trong luồng "${p.stream}".`,
  }),
  'time-backwards': (p) => ({
    en: `The event claims to be signed at ${p.at}, ${p.minutes} minutes before an earlier event in the log.`,
    vi: `Sự kiện ghi thời điểm ký ${p.at}, sớm hơn ${p.minutes} phút so với một sự kiện đứng trước trong sổ.`,
  }),
  'time-ahead': (p) =>
    p.reference === 'checkpoint'
      ? {
          en: `The event claims to be signed at ${p.at}, ${p.minutes} minutes after witness ${p.witness} cosigned the checkpoint of size ${p.size} that already holds it (${p.cosignedAt}).`,
          vi: `Sự kiện ghi thời điểm ký ${p.at}, muộn hơn ${p.minutes} phút so với lúc cơ quan chứng kiến ${p.witness} ký xác nhận điểm kiểm tra ${p.size} sự kiện đã chứa nó (${p.cosignedAt}).`,
        }
      : {
          en: `The event claims to be signed at ${p.at}, ${p.minutes} minutes after the ${p.later} events that follow it in the log.`,
          vi: `Sự kiện ghi thời điểm ký ${p.at}, muộn hơn ${p.minutes} phút so với ${p.later} sự kiện đứng sau nó trong sổ.`,
        },
  'origin-mismatch': (p) => ({
    en: `The bundle is the ledger ${p.actual}, not ${p.expected.join(' or ')} (the ledger expected ${PINNED_BY[p.pinnedBy].en}).`,
    vi: `Tệp xuất là sổ ${p.actual}, không phải ${p.expected.join(' hoặc ')} (sổ cần kiểm tra ${PINNED_BY[p.pinnedBy].vi}).`,
  }),
  'checkpoint-invalid': (p) => {
    if (p.kind === 'line')
      return {
        en: `Line ${p.line} is not a valid checkpoint line.`,
        vi: `Dòng ${p.line}: không phải điểm kiểm tra hợp lệ.`,
      };
    const w = placeOf(p.place);
    return p.kind === 'too-long'
      ? {
          en: `${cap(w.en)} is longer than a signed note may be.`,
          vi: `${cap(w.vi)} dài hơn giới hạn của một ghi chú có chữ ký.`,
        }
      : problemOf(p.place, { problem: 'malformed' });
  },
  'checkpoint-origin-mismatch': (p) =>
    problemOf(p.place, { problem: 'origin', actual: p.actual, expected: p.expected }),
  'checkpoint-signature-invalid': (p) =>
    problemOf(p.place, { problem: p.signer === 'seal' ? 'seal-signature' : 'witness-signature', reason: p.reason }),
  'checkpoint-untrusted': (p) => problemOf(p.place, { problem: 'untrusted' }),
  'checkpoint-unverified': () => ({
    en: 'No seal key was given, so checkpoint signatures were not checked.',
    vi: 'Không có khóa đóng dấu nên chưa kiểm tra chữ ký của các điểm kiểm tra.',
  }),
  'checkpoint-not-witnessed': (p) => ({
    en: `No trusted witness cosigned the latest checkpoint (size ${p.size}).`,
    vi: `Không có cơ quan chứng kiến tin cậy nào ký xác nhận điểm kiểm tra mới nhất (${p.size} sự kiện).`,
  }),
  'checkpoint-root-mismatch': (p) => {
    const w = placeOf(p.place);
    return {
      en: `The first ${p.size} events do not hash to the root of ${w.en}: an event was changed, removed, added or reordered.`,
      vi: `${p.size} sự kiện đầu không khớp với gốc của ${w.vi}: có sự kiện đã bị sửa, xóa, thêm hoặc đổi chỗ.`,
    };
  },
  'checkpoint-fork': (p) => ({
    en: `Two checkpoints of size ${p.size} name different roots (${placeOf(p.place).en} and line ${p.otherLine ?? '?'}): the log was forked.`,
    vi: `Hai điểm kiểm tra cùng kích thước ${p.size} có gốc khác nhau: sổ đã bị rẽ nhánh.`,
  }),
  'checkpoint-beyond-bundle': (p) => {
    const w = placeOf(p.place);
    return {
      en: `${cap(w.en)} covers ${p.size} events, but the bundle holds only ${p.actual}: ${p.size - p.actual} missing.`,
      vi: `${cap(w.vi)} bao gồm ${p.size} sự kiện nhưng tệp xuất chỉ có ${p.actual}: thiếu ${p.size - p.actual} sự kiện.`,
    };
  },
  'checkpoint-missing': (p) => ({
    en: `No checkpoint covers all ${p.size} events of the bundle.`,
    vi: `Không có điểm kiểm tra nào bao trùm toàn bộ ${p.size} sự kiện của tệp xuất.`,
  }),
  'checkpoint-unchecked': (p) => {
    if (p.kind === 'dropped')
      return {
        en: `${p.dropped} checkpoints beyond the first ${p.kept} and the latest were not checked.`,
        vi: `${p.dropped} điểm kiểm tra (ngoài ${p.kept} điểm đầu và điểm mới nhất) chưa được kiểm tra.`,
      };
    const w = placeOf(p.place);
    return {
      en: `The root of ${w.en} (size ${p.size}) could not be recomputed from a one-shot stream; verify the bundle from a file to check it.`,
      vi: `Không tính lại được gốc của ${w.vi} (kích thước ${p.size}) từ luồng dữ liệu một lượt; hãy kiểm tra từ tệp.`,
    };
  },
  'since-invalid': (p) => problemOf({ held: true }, p),
  'since-inconsistent': (p) => ({
    en: `The first ${p.size} events do not hash to the held checkpoint's root: history was rewritten or forked.`,
    vi: `${p.size} sự kiện đầu không khớp với gốc của điểm kiểm tra đang giữ: lịch sử đã bị sửa hoặc rẽ nhánh.`,
  }),
  'since-rollback': (p) => ({
    en: `The held checkpoint covers ${p.held} events, but the bundle holds only ${p.actual}: history was rolled back or truncated.`,
    vi: `Điểm kiểm tra đang giữ bao gồm ${p.held} sự kiện nhưng tệp xuất chỉ có ${p.actual}: lịch sử đã bị quay lui hoặc cắt bớt.`,
  }),
  'signature-invalid': (p) => ({
    en: `Signature ${p.index + 1} (role ${p.role}) of event ${p.event} does not verify.`,
    vi: `Chữ ký thứ ${p.index + 1} (vai trò ${p.role}) của sự kiện ${p.event} không hợp lệ.`,
  }),
  'signature-structure': (p) => ({
    en: `The event's signatures break the envelope rule: ${p.reason}`,
    vi: `Các chữ ký của sự kiện vi phạm quy tắc phong bì: ${p.reason}`,
  }),
  'trust-unanchored': () => ({
    en: 'No root key was given: the keys were checked against the ledger’s own genesis only.',
    vi: 'Không có khóa gốc: các khóa chỉ được đối chiếu với sự kiện khởi tạo của chính sổ.',
  }),
  'genesis-untrusted': (p) => {
    switch (p.kind) {
      case 'second':
        return {
          en: 'A second genesis (SchoolFounded) appears after the start of the ledger.',
          vi: 'Một sự kiện khởi tạo (SchoolFounded) thứ hai xuất hiện sau đầu sổ.',
        };
      case 'not-self-signed':
        return {
          en: 'The genesis is not signed by the root key it names.',
          vi: 'Sự kiện khởi tạo không được ký bằng khóa gốc ghi trong chính nó.',
        };
      case 'untrusted-root':
        return {
          en: `The genesis names root key ${p.rootKey}, which is not among the root keys given.`,
          vi: `Sự kiện khởi tạo ghi khóa gốc ${p.rootKey}, không nằm trong các khóa gốc đã cho.`,
        };
      case 'not-first':
        return {
          en: `The ledger does not start with its genesis (SchoolFounded); it starts with ${p.type}.`,
          vi: `Sổ không bắt đầu bằng sự kiện khởi tạo (SchoolFounded) mà bằng ${p.type}.`,
        };
      case 'missing':
        return {
          en: 'The ledger has no genesis (SchoolFounded), so no key can be traced to the root key.',
          vi: 'Sổ không có sự kiện khởi tạo (SchoolFounded) nên không truy được khóa nào về khóa gốc.',
        };
    }
  },
  'key-unregistered': (p) =>
    p.kind === 'no-possession'
      ? {
          en: `Key ${p.key} is registered without proof of possession (it did not co-sign as "${p.holderRole}").`,
          vi: `Khóa ${p.key} được đăng ký mà không có bằng chứng sở hữu (khóa không cùng ký với vai trò "${p.holderRole}").`,
        }
      : {
          en: `Key ${p.key} (role ${p.role}) signed before it was registered.`,
          vi: `Khóa ${p.key} (vai trò ${p.role}) đã ký khi chưa được đăng ký.`,
        },
  'key-revoked': (p) => ({
    en: `Key ${p.key} of ${p.person} signed after it was revoked at position ${p.revokedAt}.`,
    vi: `Khóa ${p.key} của ${p.person} đã ký sau khi bị thu hồi ở vị trí ${p.revokedAt}.`,
  }),
  'rule-violation': (p) => ({
    en: `${p.type} by ${p.role} breaks the rules at this position: ${p.reason}`,
    vi: `Sự kiện ${p.type} do vai trò ${p.role} thực hiện vi phạm quy chế tại vị trí này: ${p.reason_vi}.`,
  }),
  'compliance-unchecked': () => ({
    en: 'The school rules (roles, windows, corrections, sign-offs) were not replayed.',
    vi: 'Chưa phát lại các quy tắc nghiệp vụ (vai trò, thời hạn nhập, sửa chữa, ký duyệt).',
  }),
  'ca-signature-invalid': (p) => {
    const en =
      p.what === 'act'
        ? `The CA-backed signature of ${p.who} on ${p.act?.type ?? 'an act'} ${p.act?.id ?? ''} does not hold`
        : p.what === 'binding'
          ? `The certificate bound to ${p.who} does not hold`
          : `The certificate consent of ${p.who} to a new key does not hold`;
    const vi =
      p.what === 'act'
        ? `Chữ ký số của ${p.who} trên ${ACT_VI[p.act?.type ?? ''] ?? p.act?.type ?? 'văn bản'} ${p.act?.id ?? ''} không hợp lệ`
        : p.what === 'binding'
          ? `Chứng thư số gắn cho ${p.who} không hợp lệ`
          : `Sự đồng ý bằng chứng thư số của ${p.who} cho khóa mới không hợp lệ`;
    return { en: `${en}: ${p.reason}`, vi: `${vi}: ${p.reason_vi}` };
  },
  'ca-signature-untimestamped': (p) => ({
    en: `The CA-backed signature of ${p.who} on ${p.act.type} ${p.act.id} has no timestamp: its certificate was checked at ${p.time}, the time its signer claims.`,
    vi: `Chữ ký số của ${p.who} trên ${ACT_VI[p.act.type] ?? p.act.type} ${p.act.id} không có dấu thời gian: chứng thư số được kiểm tra tại ${p.time}, thời điểm người ký tự ghi.`,
  }),
  'checkpoint-timestamp-invalid': (p) => {
    const w = placeOf(p.place);
    return {
      en: `The timestamp on ${w.en} does not hold: ${p.reason}`,
      vi: `Dấu thời gian trên ${w.vi} không hợp lệ: ${p.reason_vi}`,
    };
  },
  'checkpoint-timestamp-unchecked': (p) => ({
    en: `${p.count} timestamp(s) on checkpoints were not checked: give the trust list (root certificates) to check them.`,
    vi: `${p.count} dấu thời gian trên điểm kiểm tra chưa được kiểm tra: cần danh sách chứng thư gốc tin cậy để kiểm tra.`,
  }),
  'checkpoint-timestamp-order': (p) => {
    const w = placeOf(p.place);
    return {
      en: `${cap(w.en)} (size ${p.size}) was timestamped at ${p.time}, after the larger checkpoint of size ${p.laterSize} (${p.laterTime}).`,
      vi: `${cap(w.vi)} (${p.size} sự kiện) được gắn dấu thời gian lúc ${p.time}, muộn hơn điểm kiểm tra lớn hơn (${p.laterSize} sự kiện, ${p.laterTime}).`,
    };
  },
  'time-after-timestamp': (p) => ({
    en: `The event claims to be signed at ${p.at}, ${p.minutes} minutes after a timestamp proves the checkpoint of size ${p.size} that holds it existed (${p.time}).`,
    vi: `Sự kiện ghi thời điểm ký ${p.at}, muộn hơn ${p.minutes} phút so với lúc dấu thời gian chứng minh điểm kiểm tra ${p.size} sự kiện chứa nó đã có (${p.time}).`,
  }),
  'time-before-timestamp': (p) => ({
    en: `The event comes after the checkpoint of size ${p.size}, timestamped at ${p.time}, but claims to be signed ${p.minutes} minutes earlier (${p.at}): it may be backdated.`,
    vi: `Sự kiện đứng sau điểm kiểm tra ${p.size} sự kiện có dấu thời gian ${p.time}, nhưng ghi thời điểm ký sớm hơn ${p.minutes} phút (${p.at}): có thể đã ghi lùi ngày.`,
  }),
  'ca-signatures-unchecked': (p) => ({
    en: `${p.count} certificate binding(s), consent(s) and CA-backed signature(s) were not checked: give the trust list (root certificates) to check them.`,
    vi: `${p.count} chứng thư số được gắn, sự đồng ý và chữ ký số chưa được kiểm tra: cần danh sách chứng thư gốc tin cậy để kiểm tra.`,
  }),
  'disclosure-refused': (p) =>
    p.reason === 'origin'
      ? {
          en: `The disclosure file is for ${p.actual}, not for the ledger verified (${p.expected ?? 'unknown'}): none of its values was checked.`,
          vi: `Tệp công khai thuộc sổ ${p.actual}, không phải sổ được kiểm tra (${p.expected ?? 'không rõ'}): không giá trị nào được kiểm tra.`,
        }
      : {
          en: `The disclosure file is bound to the history of size ${p.size}, not to the ${p.verified} events verified (another export or another history): none of its values was checked.`,
          vi: `Tệp công khai gắn với lịch sử gồm ${p.size} sự kiện, không phải ${p.verified} sự kiện được kiểm tra (lần xuất khác hoặc lịch sử khác): không giá trị nào được kiểm tra.`,
        },
  'disclosure-signature-invalid': () => ({
    en: 'The signature of the disclosure file does not verify: it was altered or forged, and none of its values is accepted.',
    vi: 'Chữ ký của tệp công khai không hợp lệ: tệp đã bị sửa hoặc giả mạo, không giá trị nào được chấp nhận.',
  }),
  'disclosure-signer-untrusted': (p) =>
    p.reason === 'not-leader'
      ? {
          en: `The disclosure file is signed by key ${p.key}, whose holder is not the school's leader.`,
          vi: `Tệp công khai được ký bằng khóa ${p.key}, người giữ khóa không phải lãnh đạo nhà trường.`,
        }
      : p.reason === 'revoked'
        ? {
            en: `The disclosure file is signed by key ${p.key}, which was revoked.`,
            vi: `Tệp công khai được ký bằng khóa ${p.key}, khóa này đã bị thu hồi.`,
          }
        : {
            en: `The disclosure file is signed by key ${p.key}, which is not registered in this ledger.`,
            vi: `Tệp công khai được ký bằng khóa ${p.key}, khóa này chưa được đăng ký trong sổ.`,
          },
  'opening-mismatch': (p) => ({
    en: `The disclosed ${p.field} of pupil ${p.student} does not match the commitment the ledger signed: the value is wrong and is not shown.`,
    vi: `Trường ${p.field} được công khai của học sinh ${p.student} không khớp với cam kết đã ký trong sổ: giá trị sai và không được hiển thị.`,
  }),
  'opening-unknown': (p) => ({
    en: `The disclosure gives a ${p.field} of pupil ${p.student} for a commitment the ledger does not sign for that pupil and field.`,
    vi: `Tệp công khai đưa ra trường ${p.field} của học sinh ${p.student} ứng với một cam kết không có trong sổ cho học sinh và trường đó.`,
  }),
  'opening-erased': (p) => ({
    en: `The disclosure gives the ${p.field} of pupil ${p.student}, whose personal data the ledger records as erased.`,
    vi: `Tệp công khai đưa ra trường ${p.field} của học sinh ${p.student}, trong khi sổ ghi dữ liệu cá nhân của học sinh này đã bị xóa.`,
  }),
  'partial-bundle': (p) => ({
    en: `This is a transcript of pupil ${p.student}: ${p.events} event(s), each with its inclusion proof. Their signatures, their inclusion in the school's checkpoint and the disclosed values were checked; the ledger-wide replay of the school rules (roles, windows, corrections, completeness) was not possible on a partial bundle, nor can it show that no event was left out.`,
    vi: `Đây là trích lục của học sinh ${p.student}: ${p.events} sự kiện, mỗi sự kiện có bằng chứng bao hàm. Đã kiểm tra chữ ký, việc các sự kiện nằm trong điểm kiểm tra của nhà trường và các giá trị được công khai; không thể kiểm tra lại quy chế trên toàn bộ sổ (vai trò, thời hạn nhập, sửa chữa, tính đầy đủ) với một trích lục, cũng không thể chứng minh không có sự kiện nào bị bỏ sót.`,
  }),
  'transcript-event-invalid': (p) => ({
    en: `Event ${p.index + 1} of the transcript does not verify: ${p.reason}.`,
    vi: `Sự kiện thứ ${p.index + 1} của trích lục không hợp lệ: ${p.reason}.`,
  }),
  'transcript-key-untraced': (p) => ({
    en: `A signature in role ${p.role} is by key ${p.key}, which the transcript's own key registrations do not trace to the school's root key.`,
    vi: `Một chữ ký với vai trò ${p.role} dùng khóa ${p.key}, khóa này không truy được về khóa gốc của nhà trường qua các đăng ký khóa trong trích lục.`,
  }),
  'compliance-stopped': (p) => ({
    en: `The school rules were replayed up to position ${p.position} only: the event there is not authentic, and nothing after it is replayed against a state it may have changed.`,
    vi: `Quy chế chỉ được kiểm tra lại đến hết vị trí ${p.position}: sự kiện ở đó không xác thực, nên các sự kiện sau nó không được kiểm tra theo quy chế.`,
  }),
};

/** Extras of {@link say}: a rule or severity other than the catalogue's, machine-readable details. */
export interface SayExtra {
  readonly rule?: string;
  readonly severity?: Severity;
  readonly details?: Record<string, unknown>;
}

/** A finding of `code` at `site`, with the sentences {@link MESSAGES} gives for `params`. */
export function say<C extends FindingCode>(
  code: C,
  site: FindingSite,
  params: MessageParams[C],
  extra: SayExtra = {},
): Finding {
  const s = MESSAGES[code](params);
  return finding(code, site, s.en, s.vi, extra);
}
