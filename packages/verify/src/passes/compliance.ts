/**
 * The compliance pass: replays the ledger package's own rules (`replayCheck`, then `evolve`) by
 * ledger position and reports every rule each event breaks, one `rule-violation` finding per
 * problem, with the ledger's code, field and article.
 */
import {
  evolve,
  fromCatalogue,
  initialState,
  replayCheck,
  type LedgerError,
  type LedgerErrorCode,
  type LedgerState,
} from '@hoso/ledger';
import type { Envelope } from '@hoso/core';
import { finding } from '../findings.js';
import type { EventContext, EventPass } from '../engine.js';

/**
 * What each ledger code says, in Vietnamese, as the sentence an inspector reads after "vi phạm quy
 * chế tại vị trí này:". The compiler checks that every code has one.
 */
export const RULE_VI: Readonly<Record<LedgerErrorCode, string>> = {
  'invalid-command': 'lệnh ghi sổ không hợp lệ',
  'invalid-data': 'dữ liệu của sự kiện trái quy định (thiếu, thừa hoặc sai một trường)',
  'text-not-nfc': 'văn bản không ở dạng Unicode dựng sẵn (NFC) như sổ quy định',
  'control-character': 'văn bản chứa ký tự điều khiển hoặc ký tự đảo chiều hiển thị, không được phép trong sổ',
  'invalid-envelope': 'phong bì sự kiện không đúng quy định (chữ ký đầu tiên phải là của người lập)',
  'unknown-event-type': 'loại sự kiện không có trong danh mục',
  'wrong-stream': 'sự kiện được ghi vào sai luồng (sai sổ)',
  'wrong-ledger': 'sự kiện thuộc về một sổ khác',
  'stream-conflict': 'sự kiện không nối tiếp đúng sự kiện trước trong luồng',
  'at-in-future': 'thời điểm ký ghi trên sự kiện ở quá xa trong tương lai',
  'no-genesis': 'sổ chưa được khởi tạo',
  'already-founded': 'sổ đã được khởi tạo trước đó',
  'unknown-key': 'khóa ký chưa được đăng ký cho ai',
  'key-revoked': 'khóa ký đã bị thu hồi',
  'not-permitted': 'vai trò này không được phép thực hiện thao tác',
  'role-not-held': 'người ký không giữ vai trò đã ghi tại thời điểm đó',
  'bad-signature': 'chữ ký số không hợp lệ',
  'missing-signature': 'thiếu chữ ký bắt buộc',
  'unexpected-signature': 'có chữ ký không được yêu cầu',
  'same-person-twice':
    'một người đứng hai vị trí trong biên bản sửa chữa; người đề nghị, người duyệt và người chứng kiến phải là ba người',
  'key-already-registered': 'khóa đã được đăng ký trước đó (mỗi khóa chỉ của một người)',
  'missing-consent': 'khóa được đăng ký mà không có sự đồng ý của chính người được cấp khóa',
  'invalid-consent': 'sự đồng ý đăng ký khóa không đến từ khóa của chính người đó hoặc của lãnh đạo nhà trường',
  'unknown-person': 'người được nêu chưa có tài khoản',
  'duplicate-person': 'người này đã có tài khoản',
  'role-already-held': 'người này đã giữ vai trò đó',
  'invalid-role-scope': 'phạm vi phân công không đúng với vai trò',
  'duplicate-year': 'năm học đã được khai báo',
  'unknown-year': 'năm học chưa được khai báo',
  'invalid-calendar': 'ngày bắt đầu và kết thúc các học kì không hợp lệ',
  'duplicate-subject': 'môn học đã được khai báo',
  'unknown-subject': 'môn học chưa được khai báo',
  'duplicate-offering': 'môn học đã được phân cho khối lớp này',
  'subject-not-offered': 'môn học không được dạy ở khối lớp này trong năm học',
  'wrong-level': 'nội dung này không thuộc cấp học của lớp',
  'duplicate-class': 'lớp đã được mở trong năm học',
  'unknown-class': 'lớp chưa được mở trong năm học',
  'grade-not-taught': 'khối lớp không thuộc cấp học của trường',
  'duplicate-student': 'học sinh đã được đăng ký',
  'unknown-student': 'học sinh chưa được đăng ký',
  'student-not-in-class': 'học sinh không có trong danh sách lớp',
  'already-enrolled': 'học sinh đang ở một lớp khác trong năm học',
  'transfer-mismatch': 'việc chuyển lớp không khớp với quyết định chuyển đã ghi',
  'empty-change': 'thay đổi lý lịch không nêu trường nào',
  'personal-data-in-clear': 'dữ liệu cá nhân được ghi công khai sau khi sổ đã chuyển sang ghi cam kết (mã băm)',
  'personal-data-format-not-adopted': 'cam kết dữ liệu cá nhân được ghi trước khi sổ chuyển sang định dạng này',
  'personal-data-erased': 'dữ liệu cá nhân của học sinh đã bị xóa',
  'personal-data-in-chain': 'dữ liệu cá nhân đã ghi công khai trong chuỗi, không thể xóa mà không phá vỡ chuỗi',
  'personal-data-store-required': 'cần kho dữ liệu cá nhân để thực hiện thao tác này',
  'personal-data-unavailable': 'không ghi được dữ liệu cá nhân vào kho, nên không ghi gì vào sổ',
  'personal-data-opening-invalid': 'giá trị và muối không khớp với cam kết (mã băm) đã ký',
  'wrong-assessment': 'hình thức đánh giá không đúng với môn học',
  'regular-index-out-of-range': 'số thứ tự đánh giá thường xuyên vượt số lần quy định cho môn học',
  'date-outside-year': 'ngày ghi nằm ngoài các học kì của năm học',
  'date-before-year-end': 'kiểm tra lại và đánh giá lại chỉ được ghi sau khi kết thúc năm học',
  'cell-already-entered': 'ô đã có giá trị: chỉ được sửa bằng biên bản sửa chữa',
  'cell-signed-off': 'cột điểm đã được ký xác nhận: chỉ được sửa bằng biên bản sửa chữa',
  'outside-window': 'nhập ngoài thời hạn cho phép (sổ đang khóa)',
  'no-missed-test': 'điểm kiểm tra bù được nhập khi chưa ghi nhận học sinh vắng bài kiểm tra định kì có lí do',
  'not-transferred-in': 'kết quả lấy từ hồ sơ trường khác được nhập cho học sinh không chuyển đến từ trường khác',
  'no-individual-plan':
    'quyết định chỉ dành cho học sinh khuyết tật có kế hoạch giáo dục cá nhân, nhưng học sinh chưa có',
  'already-decided': 'việc này đã được quyết định, ghi nhận trước đó',
  'duplicate-window': 'mã đợt mở sổ đã được dùng',
  'unknown-window': 'không có đợt mở sổ này',
  'window-already-closed': 'đợt mở sổ đã được khóa trước đó',
  'unlock-needs-reason': 'mở lại sổ đã khóa mà không ghi lý do',
  'unknown-target': 'biên bản sửa chữa trỏ tới mục không tồn tại, nên không đối chiếu được giá trị, vai trò và phạm vi',
  'stale-old-value': 'giá trị cũ trong biên bản không khớp với giá trị đang có',
  'invalid-value': 'giá trị mới không hợp lệ cho ô này',
  'no-change': 'giá trị mới trùng với giá trị cũ',
  'already-signed': 'đã được ký trước đó',
  'out-of-order': 'ký duyệt sai thứ tự (bước trước chưa được ký)',
  'book-mismatch': 'các đầu sổ ghi trong lần ký không khớp với sổ tại thời điểm ký',
  'marks-missing':
    'ký xác nhận khi còn thiếu điểm, kết quả đánh giá mà không có lí do được phép (miễn học, kiểm tra bù, chuyển lớp, chuyển trường, kế hoạch giáo dục cá nhân)',
  'certificate-already-bound': 'chứng thư số đã được gắn cho một người trước đó',
  'certificate-not-bound': 'chứng thư số chưa được gắn cho người ký',
  'identity-mismatch': 'số định danh trong chứng thư số không khớp với hồ sơ cán bộ',
  'unknown-act': 'không có văn bản được ký số như đã nêu',
  'not-act-signer': 'người ký số không phải người đã ký văn bản đó',
  'already-certified': 'văn bản đã được người này ký số trước đó',
  'ca-signature-invalid': 'chữ ký số bằng chứng thư số không hợp lệ',
  'no-trust-list': 'chưa có danh sách chứng thư gốc tin cậy để kiểm tra chữ ký số',
  'too-many-conflicts': 'không ghi được vì sổ liên tục thay đổi',
  'store-error': 'lỗi của nơi lưu trữ sổ',
  'signer-failed': 'thiết bị ký không ký được',
};

/**
 * Whether another pass reports this very problem at this event, so that one fault is counted once:
 * the integrity checks (the stream chain; an event of another ledger; an undecodable time), the
 * envelope's signer rule (the first signature is `by`), the catalogue check (a payload the
 * catalogue refuses) and the key pass (a signer's key unknown or revoked: it checks every signer).
 * Anything else the rules find — including `invalid-data` the rules themselves raise — is reported.
 */
function reportedElsewhere(e: LedgerError, env: Envelope): boolean {
  if (fromCatalogue(e)) return true;
  switch (e.code) {
    case 'stream-conflict':
      return true;
    case 'wrong-ledger':
      return e.path.length === 1 && e.path[0] === 'ledger';
    case 'invalid-envelope':
      return (e.path[0] === 'sigs' && e.path[1] === 0) || e.path[0] === 'at';
    case 'unknown-key':
    case 'key-revoked': {
      const key = e.details?.key;
      return key !== undefined && env.sigs.some((s) => s.key === key);
    }
    default:
      return false;
  }
}

/**
 * Replays the rules by position, so the verifier applies exactly the rules the writer applied —
 * roles held at that position, windows and locks, key consent, corrections with three distinct
 * people in the right roles, sign-off order, nothing changed after approval except by correction.
 */
export class CompliancePass implements EventPass {
  readonly kind = 'compliance' as const;
  private readonly folded: LedgerState = initialState();

  /** The state replayed so far (read it, do not change it): the CA-signature pass checks against it. */
  get state(): LedgerState {
    return this.folded;
  }

  step(ctx: EventContext): void {
    const env = ctx.envelope;
    let problems: readonly LedgerError[];
    try {
      problems = replayCheck(this.folded, env);
    } catch (e) {
      // A rule that throws is a defect of the verifier, not of the event: say so rather than pass it.
      ctx.report(
        finding(
          'rule-violation',
          { position: ctx.position, event: env.id, stream: env.stream },
          `${env.type}: the rules could not be replayed at this position: ${e instanceof Error ? e.message : String(e)}`,
          `Sự kiện ${env.type}: không kiểm tra lại được quy chế tại vị trí này.`,
          { details: { ledgerCode: 'replay-failed' } },
        ),
      );
      problems = [];
    }
    for (const p of problems) if (!reportedElsewhere(p, env)) this.report(ctx, p);
    evolve(this.folded, env, ctx.leafHash);
  }

  skip(): void {
    // An event that does not decode still takes its position.
    this.folded.size += 1;
  }

  private report(ctx: EventContext, err: LedgerError): void {
    const env = ctx.envelope;
    const field = err.path.join('.');
    ctx.report(
      finding(
        'rule-violation',
        { position: ctx.position, event: env.id, stream: env.stream },
        `${env.type} by ${env.by.role} breaks the rules at this position: ${err.message}`,
        `Sự kiện ${env.type} do vai trò ${env.by.role} thực hiện vi phạm quy chế tại vị trí này: ${RULE_VI[err.code]}${field === '' ? '' : ` (trường ${field})`}.`,
        {
          rule: err.rule ?? 'QC Điều 7.2',
          details: {
            ledgerCode: err.code,
            ...(field === '' ? {} : { path: field }),
            // The cells a sign-off lacked, each (student, subject, term, column), as the writer lists them.
            ...(err.code === 'marks-missing' ? { cells: err.details?.cells } : {}),
          },
        },
      ),
    );
  }
}

/** The compliance pass (the ledger package provides the rules). */
export function compliancePass(): CompliancePass {
  return new CompliancePass();
}
